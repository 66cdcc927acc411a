#include "conform.h"

const struct conform_test vfork_tests[] = {
    { 0 }
};
