/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-alert-engine.h"
#include "tw-alerts-service.h"

G_BEGIN_DECLS

/* Shows TwAlerts as desktop notifications (libnotify): urgency from the severity
 * (critical for trips and halts, never expiring), the alert's category, the
 * "desktop-entry" hint (the app id), and the actions
 *   "open"  Open           → @actions' "show-page" with the alert's page,
 *   "halt"  Halt trading   → @actions' "halt" (only when the alert offers halting).
 * A click on the body ("default") opens too. Each notification is kept alive until
 * the server closes it, so its buttons keep working.
 * Property: "actions" (GActionGroup, construct-only: the application). */
#define TW_TYPE_NOTIFIER (tw_notifier_get_type ())
G_DECLARE_FINAL_TYPE (TwNotifier, tw_notifier, TW, NOTIFIER, GObject)

TwNotifier *tw_notifier_new         (GActionGroup *actions);
/* FALSE with @error when the notification server could not be reached. */
gboolean    tw_notifier_show        (TwNotifier   *self,
                                     TwAlert      *alert,
                                     GError      **error);
/* A notification that is not a TwAlert (the result of app.halt, say), with the same
 * urgency, hints and actions; @category NULL for "x-tradewarden.alert", @page NULL for
 * the Overview. Not rate-limited: the caller decides. */
gboolean    tw_notifier_notify      (TwNotifier      *self,
                                     const char      *key,
                                     TwAlertSeverity  severity,
                                     const char      *category,
                                     const char      *title,
                                     const char      *body,
                                     const char      *page,
                                     gboolean         offers_halt,
                                     GError         **error);
/* Connects to @engine's "alert" signal (NULL disconnects from the previous one). */
void        tw_notifier_set_engine  (TwNotifier   *self,
                                     TwAlertEngine *engine);
/* Shows @alerts' notifications (issue 14): "notify-alert" as a notification keyed by the
 * alert (a second one of the same key replaces it), "notify-summary" likewise (one storm
 * summary, brought up to date), "withdraw-alert" closes it. An Alertmanager alert's
 * notification has "ack" (Acknowledge, until resolved) beside Open and Halt trading.
 * NULL disconnects. */
void        tw_notifier_set_alerts  (TwNotifier      *self,
                                     TwAlertsService *alerts);
/* Notifications shown and not closed yet. */
guint       tw_notifier_get_n_open  (TwNotifier   *self);
/* Notifications shown since the notifier was made. */
guint       tw_notifier_get_n_shown (TwNotifier   *self);

G_END_DECLS
