/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-application.h"

#include "tw-sim.h"

G_BEGIN_DECLS

/* TwApplication across its files: tw-application.c (lifecycle, options, the session of the
 * open profile, the window), tw-application-actions.c (the app.* actions),
 * tw-application-halt.c (app.halt: the session's Halt All, its results shown). The
 * profile's services are the session's (TwSession), the pages take theirs from the
 * window's session, the first frame's start deferral is the window's. */
struct _TwApplication
{
  AdwApplication       parent_instance;

  GSettings           *settings;         /* NULL without the schema */
  TwHttp              *http;
  TwConnectorRegistry *registry;
  TwSecrets           *keyring;          /* created on first use */
  TwSession           *session;          /* the open profile; NULL without one */
  TwSimThread         *sim;              /* demo only */
  TwWindow            *window;           /* weak */
  guint                window_session_id; /* the window gets the session opened (hand_window_session_cb) */
  TwNotifier          *notifier;
  GCancellable        *cancellable;
  GtkWidget           *halt_dialog;      /* weak: "N services did not halt" while open */
  AdwToast            *halt_toast;       /* Halt All's: each service's result as it comes, then the whole */
  guint                halt_toast_timeout;
  GPtrArray           *halt_progress;    /* while halting: the latest TwActionResult a service */
  guint                quit_sources[2];  /* SIGTERM, SIGINT */
  gboolean             opened_once;      /* a profile was opened or asked for */
  gboolean             held;             /* run in background: window closed, app held */
  gboolean             quitting;         /* app.quit closes the windows: nothing to ask */
};

/* tw-application.c */
TwSecrets *_tw_application_get_keyring           (TwApplication *self);
void       _tw_application_show_error            (TwApplication *self,
                                                  const char    *heading,
                                                  const char    *message);
void       _tw_application_toast                 (TwApplication *self,
                                                  const char    *title);
void       _tw_application_refresh_profile_names (TwApplication *self);
/* @demo: keep the simulator across the switch (the new profile is the demo's). */
void       _tw_application_open_profile          (TwApplication *self,
                                                  TwProfile     *profile,
                                                  TwSecrets     *secrets,
                                                  gboolean       demo);
void       _tw_application_emit_halt_finished    (TwApplication *self,
                                                  GPtrArray     *results);

/* tw-application-actions.c */
void       _tw_application_add_actions           (TwApplication *self);
/* tw-application-keys.c: the grace period's reminder of key rotation */
void       _tw_application_watch_keys            (TwApplication *self,
                                                  TwSession     *session);
void       _tw_application_unwatch_keys          (TwApplication *self,
                                                  TwSession     *session);
void       _tw_application_update_actions        (TwApplication *self);

/* tw-application-switch.c */
/* (nullable) The open profile's incident in one line (trading halted, a breaker tripped,
 * a failed halt), NULL when none. (transfer full) */
char      *_tw_application_describe_incident     (TwApplication *self);
typedef void (*TwSwitchFunc) (TwApplication *self,
                              gpointer       data);
/* Runs @then at once, or, during an incident on the open profile, after the operator
 * said so in a dialog naming it. @destroy frees @data either way. */
void       _tw_application_switch_guarded        (TwApplication  *self,
                                                  const char     *next_name,
                                                  TwSwitchFunc    then,
                                                  gpointer        data,
                                                  GDestroyNotify  destroy);
/* Import .env… after the file chooser: the preview, then the import if confirmed. */
void       _tw_application_import_env_file       (TwApplication *self,
                                                  GFile         *file);

/* tw-application-halt.c */
void       _tw_application_halt                  (TwApplication *self);

G_END_DECLS
