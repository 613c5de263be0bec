/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-flag.h"
#include "tw-flags.h"

G_BEGIN_DECLS

/* tw-flag.c */
TwFlag  *_tw_flag_new              (const char       *service_id,
                                    const char       *service_name,
                                    const char       *name,
                                    const TwFlagSpec *spec);
/* Each returns TRUE when the value changed (and notified). */
gboolean _tw_flag_set_value        (TwFlag           *self,
                                    const char       *value);
void     _tw_flag_set_layer        (TwFlag           *self,
                                    TwFlagLayer       layer,
                                    const char       *detail,
                                    gboolean          locked);
void     _tw_flag_set_busy         (TwFlag           *self,
                                    gboolean          busy);
void     _tw_flag_set_last_change  (TwFlag           *self,
                                    const char       *text);
void     _tw_flag_set_revert_at    (TwFlag           *self,
                                    GDateTime        *when);
/* (nullable) the environment variable's value that pins it, as read from the .env */
const char *_tw_flag_get_env_value (TwFlag           *self);
void     _tw_flag_set_env_value    (TwFlag           *self,
                                    const char       *value);

/* Values compare as the service means them: 1000 and 1000.0 are one number. */
gboolean _tw_flag_values_equal     (const char       *a,
                                    const char       *b);

/* tw-flags-layers.c: which layer decided each flag, from the service's files. */
/* The files of one service, read in a worker: a slow disk never holds the window. */
typedef struct
{
  char       *env_path;
  char       *flags_path;
  GHashTable *env;          /* nullable: not known */
  JsonObject *file;         /* nullable: not known */
} LayerFiles;

void     _tw_flags_layer_files_free (LayerFiles *files);
/* Reads them (blocking: in a worker thread). */
void     _tw_flags_layer_files_read (LayerFiles *files);
/* Sets the layer of each flag of @service_id in @items (element-type TwFlag). */
void     _tw_flags_apply_layers     (GPtrArray  *items,
                                     const char *service_id,
                                     LayerFiles *files);
/* "true"/"false", the number or the string of a JSON value; NULL for anything else. */
char    *_tw_flags_value_text       (JsonNode   *node);

/* tw-flags.c, for tw-flags-change.c */
TwWorkspace *_tw_flags_get_workspace (TwFlags *self);
TwAuditLog  *_tw_flags_get_audit_log (TwFlags *self);
/* Marks (service, flag) as changed by this console: the next value read for it is not
 * someone else's change. */
void         _tw_flags_own_change    (TwFlags    *self,
                                      TwFlag     *flag,
                                      gboolean    on);
void         _tw_flags_work_changed  (TwFlags    *self,
                                      int         delta);
void         _tw_flags_reload_history (TwFlags   *self);
gboolean     _tw_flags_is_closed     (TwFlags    *self);
/* A scheduled revert ran: an alert (information, or a warning when it did not hold), so
 * that an operator away from the window is told. */
void         _tw_flags_tell_revert   (TwFlags    *self,
                                      TwFlag     *flag,
                                      gboolean    ok,
                                      const char *message);

G_END_DECLS
