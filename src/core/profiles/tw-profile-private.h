/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tw-profile.h"

G_BEGIN_DECLS

/* Shared by tw-profile.c and tw-profile-env.c. */

/* [a-z0-9_-]+ : service, database and log ids. */
gboolean _tw_profile_id_is_valid        (const char  *id);
/* An http or https URL with a host. */
gboolean _tw_profile_url_is_valid       (const char  *url);
/* TRUE when @value looks like a secret: a random-looking word of 16 or more letters and
 * digits (a key ID), or a URL whose userinfo holds a password or token, or whose query
 * carries a key-like parameter or a random-looking token. */
gboolean _tw_profile_value_looks_secret (const char  *value);
gboolean _tw_profile_text_holds_secret  (const char  *text);
/* TRUE when @key's name says it holds a secret (*key*, *secret*, *token*, …). */
gboolean _tw_profile_key_is_secret_name (const char  *key);

/* tw-profile-file.c: NAME of NAME.conf (the name itself without the suffix). */
char    *_tw_profile_name_from_filename (const char  *filename);

/* tw-profile-alerts.c: the [Alerts] group. */
gboolean _tw_profile_load_alerts        (TwProfile   *self,
                                         GKeyFile    *keyfile,
                                         const char  *filename,
                                         GError     **error);
void     _tw_profile_save_alerts        (TwProfile   *self,
                                         GKeyFile    *keyfile);

G_END_DECLS
