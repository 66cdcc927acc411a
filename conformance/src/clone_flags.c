#include "conform.h"

const struct conform_test clone_flags_tests[] = {
    { 0 }
};
