#include "conform.h"

const struct conform_test exec_tests[] = {
    { 0 }
};

const struct conform_helper exec_helpers[] = {
    { 0 }
};
