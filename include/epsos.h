/*
 * libepsos - eHDSI / epSOS cross-border health documents in C.
 * SPDX-License-Identifier: MIT
 *
 * The umbrella header: include this one.
 */
#ifndef EPSOS_H
#define EPSOS_H

#include "epsos/common.h"
#include "epsos/context.h"
#include "epsos/doc.h"
#include "epsos/ps.h"
#include "epsos/ep.h"
#include "epsos/dsig.h"
#include "epsos/saml.h"
#include "epsos/idprofile.h"
#include "epsos/term.h"
#include "epsos/validate.h"

#endif /* EPSOS_H */
