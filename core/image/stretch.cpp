#include "image/stretch.h"
