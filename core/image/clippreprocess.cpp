#include "image/clippreprocess.h"
