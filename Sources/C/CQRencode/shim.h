#ifndef BIANMIN_CQRENCODE_SHIM_H
#define BIANMIN_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif
