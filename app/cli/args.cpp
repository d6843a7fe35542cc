#include "cli/args.h"
