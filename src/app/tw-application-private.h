/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-application.h"

#include "tw-backup-scheduler.h"
#include "tw-backups-page.h"
#include "tw-orders-page.h"
#include "tw-portfolio.h"
#include "tw-positions-page.h"
#include "tw-sim.h"

G_BEGIN_DECLS

/* TwApplication across its files: tw-application.c (lifecycle, options, profile open and
 * close, the window), tw-application-actions.c (the app.* actions), tw-application-halt.c
 * (app.halt and its results), tw-application-pages.c (the pages and their context). */
struct _TwApplication
{
  AdwApplication       parent_instance;

  gint64               start_time_us;
  gboolean             first_frame_done;
  gboolean             opened_once;     /* a profile was opened or asked for */

  GSettings           *settings;        /* NULL without the schema */
  TwHttp              *http;
  TwConnectorRegistry *registry;
  TwSecrets           *keyring;         /* created on first use */
  TwSecrets           *secrets;         /* the workspace's: keyring, or memory in demo */
  TwWorkspace         *workspace;
  TwSimThread         *sim;             /* demo only */
  TwWindow            *window;
  GCancellable        *cancellable;

  /* The profile's pollers and scheduler start after the window's first frame. */
  gboolean             start_pending;
  guint                start_idle_id;
  guint                start_timeout_id;

  /* Risk controls: one audit log for the app, the rest per workspace. */
  TwAuditLog          *audit_log;       /* NULL when it could not be opened */
  char                *demo_dir;        /* the demo's throw-away audit log lives here */
  gboolean             audit_log_is_demo;
  guint                sigterm_id;
  guint                sigint_id;
  TwRiskMonitor       *monitor;
  TwActionRunner      *runner;
  TwAlertEngine       *alerts;
  TwNotifier          *notifier;
  TwBreakersPage      *breakers_page;   /* weak: the window's */
  TwAuditPage         *audit_page;      /* weak: the window's */
  GtkWidget           *halt_dialog;     /* weak */
  GCancellable        *halt_cancellable;
  GPtrArray           *last_halt;       /* TwActionResult of the last app.halt */
  char                *halt_failure;    /* the Breakers page's row about it, or NULL */
  gboolean             held;            /* run in background: window closed, app held */

  /* Backups: the manager and scheduler belong to the open profile. */
  TwBackupManager     *backups;
  TwBackupScheduler   *backup_scheduler;
  TwBackupsPage       *backups_page;    /* weak: the window's */

  /* Positions and orders: the portfolio belongs to the open profile. */
  TwPortfolio         *portfolio;
  TwPositionsPage     *positions_page;  /* weak: the window's */
  TwOrdersPage        *orders_page;     /* weak: the window's */
};

/* tw-application.c */
TwSecrets *_tw_application_get_keyring               (TwApplication *self);
void       _tw_application_show_error                (TwApplication *self,
                                                      const char    *heading,
                                                      const char    *message);
void       _tw_application_toast                     (TwApplication *self,
                                                      const char    *title);
void       _tw_application_refresh_profile_names     (TwApplication *self);
/* @demo: keep the simulator across the switch (the new profile is the demo's). */
void       _tw_application_open_profile              (TwApplication *self,
                                                      TwProfile     *profile,
                                                      TwSecrets     *secrets,
                                                      gboolean       demo);
void       _tw_application_emit_halt_finished        (TwApplication *self,
                                                      GPtrArray     *results);

/* tw-application-actions.c */
void       _tw_application_add_actions               (TwApplication *self);
void       _tw_application_update_actions            (TwApplication *self);

/* tw-application-halt.c */
void       _tw_application_halt                      (TwApplication *self);

/* tw-application-pages.c */
void       _tw_application_add_pages                 (TwApplication *self);
void       _tw_application_set_page_contexts         (TwApplication *self,
                                                      gboolean       on);
void       _tw_application_set_backups_page_context  (TwApplication *self);
void       _tw_application_set_trading_page_contexts (TwApplication *self);

G_END_DECLS
