#include "conform.h"

const struct conform_test pidfd_tests[] = {
    { 0 }
};
