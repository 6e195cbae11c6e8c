/* Roles of principals and their bit masks (part of the pure core). */
#ifndef ROLE_H
#define ROLE_H

#include "hotline.pb-c.h"

/*
 * Contract: constants only; roles are the protocol's Hotline__Role values.
 * A mask has bit ROLE_BIT(r) set for each role r that may do a thing.
 */

/* Roles are the protocol's; bit masks of them say who may do what. */
typedef Hotline__Role role_t;
#define ROLE_BIT(r) (1u << (unsigned)(r))
#define ROLE_AGENT_BIT ROLE_BIT(HOTLINE__ROLE__ROLE_AGENT)
#define ROLE_DEPARTMENT_BIT ROLE_BIT(HOTLINE__ROLE__ROLE_DEPARTMENT)
#define ROLE_ANY_BIT 0xffffffffu

#endif
