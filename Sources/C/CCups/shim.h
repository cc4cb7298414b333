#ifndef BIANMIN_CCUPS_SHIM_H
#define BIANMIN_CCUPS_SHIM_H
#include <cups/cups.h>
#endif
