// zlib's header, only so that the sweep can print zlibVersion() (the zlib libpng runs with).
#include <zlib.h>
