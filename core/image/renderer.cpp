#include "image/renderer.h"
