#include "fits/fitsfile.h"
