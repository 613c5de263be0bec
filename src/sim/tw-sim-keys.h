/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-sim-private.h"

G_BEGIN_DECLS

/* The keys each flavor accepts, changeable while it runs (/_sim/keys): a set of API keys
 * (several at once, as API_KEYS=OLD,NEW does), or Alpaca's key pair. A flavor with no
 * set of its own accepts the process-wide credentials (tw_sim_get_credential). In
 * managed mode the set comes from a .env file, read again on POST /_sim/keys/reload (what
 * the restart command of a test profile calls). */
typedef struct _TwSimKeys TwSimKeys;

TwSimKeys *tw_sim_keys_new          (void);
void       tw_sim_keys_free         (TwSimKeys         *keys);
/* TRUE and @ok set when @flavor has a set of its own. */
gboolean   tw_sim_keys_check_api_key (TwSimKeys        *keys,
                                      const char       *flavor,
                                      const char       *key,
                                      gboolean         *ok);
gboolean   tw_sim_keys_check_alpaca (TwSimKeys         *keys,
                                     const char        *flavor,
                                     const char        *key_id,
                                     const char        *secret,
                                     gboolean          *ok);
/* 000's LIVE_TRADING_KEY (one key): TRUE and @ok set when @flavor has one of its own
 * (PUT /_sim/keys {"live_trading_key": K}, or LIVE_TRADING_KEY in its .env file). */
gboolean   tw_sim_keys_check_live_key (TwSimKeys       *keys,
                                       const char      *flavor,
                                       const char      *key,
                                       gboolean        *ok);
/* /_sim/keys (GET, PUT, DELETE) and /_sim/keys/reload, /_sim/keys/regenerate (POST). */
void       tw_sim_keys_handle       (TwSim             *sim,
                                     const TwSimFlavor *flavor,
                                     SoupServerMessage *msg,
                                     const char        *method,
                                     const char        *rest,
                                     GHashTable        *query);

G_END_DECLS
