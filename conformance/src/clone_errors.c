#include "conform.h"

const struct conform_test clone_errors_tests[] = {
    { 0 }
};
