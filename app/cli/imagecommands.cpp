#include "cli/imagecommands.h"
