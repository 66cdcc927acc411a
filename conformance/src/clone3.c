#include "conform.h"

const struct conform_test clone3_tests[] = {
    { 0 }
};
