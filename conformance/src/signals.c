#include "conform.h"

const struct conform_test signals_tests[] = {
    { 0 }
};
