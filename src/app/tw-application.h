/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-action-runner.h"
#include "tw-alert-engine.h"
#include "tw-audit-log.h"
#include "tw-audit-page.h"
#include "tw-breakers-page.h"
#include "tw-connector-registry.h"
#include "tw-notifier.h"
#include "tw-risk-monitor.h"
#include "tw-http.h"
#include "tw-profile.h"
#include "tw-secrets.h"
#include "tw-session.h"
#include "tw-window.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* The application: one TwHttp, one connector registry, the open profile (TwSession, handed
 * to the window), the window; options --demo and --profile NAME; the app.* actions
 * (exported on D-Bus: scripts and tests drive the running console through them);
 * notifications; run in background; the demo's simulator. */
#define TW_TYPE_APPLICATION (tw_application_get_type ())
G_DECLARE_FINAL_TYPE (TwApplication, tw_application, TW, APPLICATION, AdwApplication)

TwApplication       *tw_application_new                  (void);
/* The window, created on first use. (transfer none) */
TwWindow            *tw_application_get_window           (TwApplication *self);
TwHttp              *tw_application_get_http             (TwApplication *self);
TwConnectorRegistry *tw_application_get_registry         (TwApplication *self);
/* (nullable) the open profile */
TwSession           *tw_application_get_session          (TwApplication *self);
/* (nullable) the open profile's workspace */
TwWorkspace         *tw_application_get_workspace        (TwApplication *self);
/* Puts @profile to work with @secrets (replacing the current one) and shows it. */
void                 tw_application_open_profile         (TwApplication *self,
                                                          TwProfile     *profile,
                                                          TwSecrets     *secrets);
/* Loads $XDG_CONFIG_HOME/tradewarden/profiles/NAME.conf and opens it with the keyring. */
gboolean             tw_application_open_profile_by_name (TwApplication *self,
                                                          const char    *name,
                                                          GError       **error);
/* Closes the session (and then the demo's simulator); the window shows "No Profile Yet". */
void                 tw_application_close_profile        (TwApplication *self);
/* Starts the simulator in-process, prints its flavor=URL lines, opens the demo profile. */
gboolean             tw_application_start_demo           (TwApplication *self,
                                                          GError       **error);
gboolean             tw_application_is_demo              (TwApplication *self);

/* The open session's services (NULL without one; see TwSession). app.halt halts every
 * service of the profile ("halt-finished" signal). */
TwAuditLog          *tw_application_get_audit_log        (TwApplication *self);
TwRiskMonitor       *tw_application_get_risk_monitor     (TwApplication *self);
TwActionRunner      *tw_application_get_action_runner    (TwApplication *self);
TwAlertEngine       *tw_application_get_alert_engine     (TwApplication *self);
TwNotifier          *tw_application_get_notifier         (TwApplication *self);
/* The window's pages (creating the window if needed). (transfer none) */
TwBreakersPage      *tw_application_get_breakers_page    (TwApplication *self);
TwAuditPage         *tw_application_get_audit_page       (TwApplication *self);
/* (nullable) the "N services did not halt" dialog while it is open */
GtkWidget           *tw_application_get_halt_dialog      (TwApplication *self);
/* (nullable) While Halt All waits: the toast's text, each service's result so far
 * ("Halting: InvestIQ halted · IBKR assistant NOT HALTED"). */
const char          *tw_application_get_halt_progress    (TwApplication *self);
/* (nullable) (element-type TwActionResult) the results of the last app.halt */
GPtrArray           *tw_application_get_last_halt        (TwApplication *self);
/* TRUE while the window is closed and "run-in-background" keeps the app running. */
gboolean             tw_application_get_held             (TwApplication *self);

G_END_DECLS
