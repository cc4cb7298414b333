#ifndef BIANMIN_CPANGOCAIRO_SHIM_H
#define BIANMIN_CPANGOCAIRO_SHIM_H
#include <pango/pangocairo.h>
#include <cairo/cairo-pdf.h>
#endif
