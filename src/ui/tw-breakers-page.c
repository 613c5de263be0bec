/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-breakers-page.h"
#include "tw-breakers-page-private.h"

#include <glib/gi18n.h>

#include "tw-error.h"
#include "tw-guard-dialog.h"
#include "tw-ui-util.h"
#include "tw-trading-summary.h"
#include "tw-window.h"
#include "tw-narrow.h"

struct _TwBreakersPage
{
  AdwBin          parent_instance;

  TwSession      *session;        /* for its "halt-failure" */
  TwWorkspace    *workspace;
  TwRiskMonitor  *monitor;
  TwActionRunner *runner;
  GListModel     *states;
  GPtrArray      *groups;
  GtkWidget      *guard_dialog;   /* weak */
  GCancellable   *cancellable;
  char           *last_result;

  GtkRevealer    *failure_revealer;
  GtkLabel       *failure_label;
  AdwStatusPage  *empty_page;
  GtkBox         *groups_box;
};

static void session_page_iface_init (TwSessionPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TwBreakersPage, tw_breakers_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (TW_TYPE_SESSION_PAGE, session_page_iface_init))

enum {
  ACTION_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What one action needs to report back. */
typedef struct
{
  TwBreakersPage *page;
  TwGuardRequest *request;
  char           *service_id;
  char           *service_name;
  char           *operation;
  GHashTable     *vars;
} ActionData;

static void
action_data_free (ActionData *data)
{
  g_clear_object (&data->page);
  g_clear_object (&data->request);
  g_free (data->service_id);
  g_free (data->service_name);
  g_free (data->operation);
  g_clear_pointer (&data->vars, g_hash_table_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ActionData, action_data_free)

static void
show_result (TwBreakersPage *self,
             const char     *text,
             gboolean        ok)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_free (self->last_result);
  self->last_result = g_strdup (text);
  if (TW_IS_WINDOW (root))
    tw_window_add_toast (TW_WINDOW (root), tw_ui_result_toast_new (text, ok));
}

static const char *
operation_done_text (const char *operation)
{
  if (g_str_equal (operation, "trading.halt"))
    return _("trading halted");
  if (g_str_equal (operation, "trading.resume"))
    return _("trading resumed");
  if (g_str_equal (operation, "killswitch.activate"))
    return _("kill switch activated");
  if (g_str_equal (operation, "killswitch.deactivate"))
    return _("kill switch deactivated");
  if (g_str_equal (operation, "breakers.reset"))
    return _("breaker reset");
  if (g_str_equal (operation, "trading.emergency_stop"))
    return _("emergency stop done");
  return _("done");
}

static const char *
operation_failed_text (const char *operation)
{
  if (g_str_equal (operation, "trading.halt"))
    return _("did not halt");
  if (g_str_equal (operation, "trading.resume"))
    return _("did not resume");
  if (g_str_equal (operation, "killswitch.activate"))
    return _("kill switch not activated");
  if (g_str_equal (operation, "killswitch.deactivate"))
    return _("kill switch not deactivated");
  if (g_str_equal (operation, "breakers.reset"))
    return _("breaker not reset");
  if (g_str_equal (operation, "trading.emergency_stop"))
    return _("emergency stop failed");
  return _("failed");
}

/* Whether a successful @operation should have turned the kill switch off, or resumed. */
static gboolean
needs_read_back (const char *operation)
{
  return g_str_equal (operation, "killswitch.deactivate") || g_str_equal (operation, "trading.resume");
}

typedef struct
{
  ActionData *data;
  char       *text;     /* what to say when the read-back confirms it */
} ReadBack;

static void
read_back_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ReadBack *read_back = user_data;
  g_autoptr(ActionData) data = read_back->data;
  g_autofree char *text = read_back->text;
  TwBreakersPage *self = data->page;
  g_autoptr(GError) error = NULL;
  TwTradingState *state;
  gboolean kill_switch, still_on;

  g_free (read_back);
  /* A failed read-back is the pollers' to show: the action itself succeeded. */
  if (!tw_risk_monitor_read_back_finish (TW_RISK_MONITOR (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  state = tw_risk_monitor_lookup (TW_RISK_MONITOR (object), data->service_id);
  kill_switch = state != NULL && (g_str_equal (data->operation, "killswitch.deactivate") ||
                                  tw_trading_state_get_kill_switch_active (state));
  still_on = error == NULL && state != NULL &&
             (kill_switch ? tw_trading_state_get_kill_switch_active (state)
                          : tw_trading_state_is_halted (state));
  if (still_on)
    {
      TwClient *client = self->workspace != NULL
                         ? tw_workspace_get_client (self->workspace, data->service_id) : NULL;
      const TwOperation *op = client != NULL
                              ? tw_connector_get_operation (tw_client_get_connector (client),
                                                            data->operation) : NULL;
      const char *why = op != NULL ? tw_operation_get_unchanged (op) : NULL;

      g_free (text);
      if (why != NULL)
        text = kill_switch
               /* Translators: a service's name, then why (the connector's words, from the runbook) */
               ? g_strdup_printf (_("%s: the service accepted the deactivation, but its kill switch "
                                    "is still on. %s"), data->service_name, why)
               /* Translators: a service's name, then why (the connector's words, from the runbook) */
               : g_strdup_printf (_("%s: the service accepted the resume, but trading is still "
                                    "halted. %s"), data->service_name, why);
      else
        text = kill_switch
               /* Translators: a service's name */
               ? g_strdup_printf (_("%s: the service accepted the deactivation, but its kill switch "
                                    "is still on: something on the service keeps it on"),
                                  data->service_name)
               /* Translators: a service's name */
               : g_strdup_printf (_("%s: the service accepted the resume, but trading is still "
                                    "halted: something on the service keeps it halted"),
                                  data->service_name);
    }

  if (still_on)
    {
      /* Not a toast: the operator expected trading back, and the why is long. */
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  kill_switch ? _("Kill Switch Still On")
                                                              : _("Trading Still Halted"),
                                                  text);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      g_free (self->last_result);
      self->last_result = g_strdup (text);
    }
  else
    show_result (self, text, TRUE);
  g_signal_emit (self, signals[ACTION_FINISHED], 0, data->service_id, data->operation,
                 !still_on, text);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ActionData) data = user_data;
  TwBreakersPage *self = data->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  const char *message = NULL;

  node = tw_action_runner_run_finish (TW_ACTION_RUNNER (object), result, NULL, &error);
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error == NULL)
    {
      g_autofree char *counts = NULL;

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *answer = json_node_get_object (node);

          message = json_object_get_string_member_with_default (answer, "message", NULL);
          /* An emergency stop says what it closed: the operator checks it did. */
          if (message == NULL && json_object_has_member (answer, "positions_closed")
              && json_object_has_member (answer, "orders_cancelled"))
            {
              gint64 positions = json_object_get_int_member (answer, "positions_closed");
              gint64 orders = json_object_get_int_member (answer, "orders_cancelled");
              g_autofree char *p_text = g_strdup_printf (ngettext ("%lld position closed",
                                                                   "%lld positions closed",
                                                                   (gulong) positions),
                                                         (long long) positions);
              g_autofree char *o_text = g_strdup_printf (ngettext ("%lld order cancelled",
                                                                   "%lld orders cancelled",
                                                                   (gulong) orders),
                                                         (long long) orders);

              /* Translators: e.g. "4 positions closed, 2 orders cancelled" */
              message = counts = g_strdup_printf (_("%s, %s"), p_text, o_text);
            }
        }
      if (message != NULL)
        /* Translators: a service's name, what was done, the server's message */
        text = g_strdup_printf (_("%s: %s — “%s”"), data->service_name,
                                operation_done_text (data->operation), message);
      else
        /* Translators: a service's name and what was done */
        text = g_strdup_printf (_("%s: %s"), data->service_name, operation_done_text (data->operation));
    }
  else
    /* Translators: a service's name, what failed, and why */
    text = g_strdup_printf (_("%s: %s — %s"), data->service_name,
                            operation_failed_text (data->operation), error->message);

  /* The answer says what was asked, not what the service now is: read it back first. */
  if (error == NULL && self->monitor != NULL && needs_read_back (data->operation))
    {
      ReadBack *read_back = g_new0 (ReadBack, 1);

      read_back->data = g_steal_pointer (&data);
      read_back->text = g_steal_pointer (&text);
      tw_risk_monitor_read_back_async (self->monitor, read_back->data->service_id,
                                       self->cancellable, read_back_done_cb, read_back);
      return;
    }

  show_result (self, text, error == NULL);
  g_signal_emit (self, signals[ACTION_FINISHED], 0, data->service_id, data->operation,
                 error == NULL, text);
}

static void
run_action (ActionData *data)
{
  TwBreakersPage *self = data->page;

  tw_action_runner_run_async (self->runner, data->request, data->service_id, data->operation,
                              data->vars, self->cancellable, run_done_cb, data);
}

static void
confirm_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ActionData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!tw_guard_confirm_finish (result, &error))
    {
      /* Refused or cancelled in the dialog: nothing is sent. */
      g_autofree char *text = NULL;

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: a service's name; the action was cancelled in the guard dialog */
          text = g_strdup_printf (_("%s: cancelled, nothing was sent"), data->service_name);
          g_free (data->page->last_result);
          data->page->last_result = g_steal_pointer (&text);
        }
      action_data_free (data);
      return;
    }
  if (data->page->runner == NULL)
    {
      action_data_free (data);
      return;
    }
  run_action (data);
}

static char *
default_reason (const char *what)
{
  /* Translators: the default reason of a one-click action; %s is e.g. "Halted", then the user */
  return g_strdup_printf (_("%s from Trade Warden by %s"), what, g_get_user_name ());
}

static void
start_action (TwBreakersPage *self,
              const char     *service_id,
              const char     *operation,
              const char     *breaker_id)
{
  TwTradingState *state;
  ActionData *data;
  GtkRoot *root;
  const char *name;
  g_autofree char *target = NULL;

  if (self->runner == NULL || self->monitor == NULL)
    return;
  state = tw_risk_monitor_lookup (self->monitor, service_id);
  if (state == NULL)
    return;
  /* No double submit: the button is insensitive already, this guards the action too. */
  if (tw_action_runner_is_in_flight (self->runner, service_id, operation))
    return;

  name = tw_trading_state_get_service_name (state);
  if (name == NULL)
    name = service_id;
  target = breaker_id != NULL ? g_strdup_printf ("%s / %s", name, breaker_id) : g_strdup (name);

  data = g_new0 (ActionData, 1);
  data->page = g_object_ref (self);
  data->service_id = g_strdup (service_id);
  data->service_name = g_strdup (name);
  data->operation = g_strdup (operation);
  data->request = tw_action_runner_new_request (self->runner, operation, target);
  if (breaker_id != NULL)
    {
      TwBreaker *breaker = tw_trading_state_lookup_breaker (state, breaker_id);

      data->vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (data->vars, g_strdup ("breaker"), g_strdup (breaker_id));
      if (breaker != NULL)
        tw_guard_request_set_breaker_kind (data->request, tw_breaker_get_kind (breaker));
    }
  else if (g_str_equal (operation, "trading.resume"))
    {
      /* Resuming after a loss breaker tripped: the runbook asks to review the trades. */
      GListModel *breakers = tw_trading_state_get_breakers (state);

      for (guint i = 0; i < g_list_model_get_n_items (breakers); i++)
        {
          g_autoptr(TwBreaker) breaker = g_list_model_get_item (breakers, i);

          if (g_strcmp0 (tw_breaker_get_kind (breaker), "loss") == 0 && tw_breaker_is_tripped (breaker))
            tw_guard_request_set_breaker_kind (data->request, "loss");
        }
    }

  if (tw_guard_request_get_direction (data->request) == TW_GUARD_TOWARD_SAFETY)
    {
      g_autofree char *reason = default_reason (g_str_equal (operation, "killswitch.activate")
                                                ? _("Kill switch activated")
                                                : g_str_equal (operation, "trading.emergency_stop")
                                                ? _("Emergency stop") : _("Halted"));

      tw_guard_request_set_reason (data->request, reason);
      run_action (data);
      return;
    }

  root = gtk_widget_get_root (GTK_WIDGET (self));
  g_clear_weak_pointer (&self->guard_dialog);
  self->guard_dialog = tw_guard_confirm_async (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               data->request, self->workspace, service_id,
                                               self->cancellable, confirm_done_cb, data);
  if (self->guard_dialog != NULL)
    g_object_add_weak_pointer (G_OBJECT (self->guard_dialog), (gpointer *) &self->guard_dialog);

  /* Resuming while a breaker still holds the service: say which, before the operator
   * confirms (the breaker at 3 of 3 halts it again at once). */
  if (self->guard_dialog != NULL && g_str_equal (operation, "trading.resume"))
    {
      g_autofree char *holds = tw_trading_summary_describe_holds (state);

      if (holds != NULL)
        {
          g_autofree char *body = NULL;

          /* Translators: appended to the resume dialog's body; %s lists what holds it */
          body = g_strdup_printf (_("%s\n\nStill holding it halted: %s."),
                                  adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (self->guard_dialog)),
                                  holds);
          adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self->guard_dialog), body);
        }
    }
}

static void
halt_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  start_action (TW_BREAKERS_PAGE (widget), g_variant_get_string (parameter, NULL), "trading.halt", NULL);
}

static void
emergency_stop_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  start_action (TW_BREAKERS_PAGE (widget), g_variant_get_string (parameter, NULL),
                "trading.emergency_stop", NULL);
}

static void
resume_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  start_action (TW_BREAKERS_PAGE (widget), g_variant_get_string (parameter, NULL), "trading.resume", NULL);
}

static void
kill_activate_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  start_action (TW_BREAKERS_PAGE (widget), g_variant_get_string (parameter, NULL),
                "killswitch.activate", NULL);
}

static void
kill_deactivate_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  start_action (TW_BREAKERS_PAGE (widget), g_variant_get_string (parameter, NULL),
                "killswitch.deactivate", NULL);
}

static void
reset_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  const char *service_id;
  const char *breaker_id;

  g_variant_get (parameter, "(&s&s)", &service_id, &breaker_id);
  start_action (TW_BREAKERS_PAGE (widget), service_id, "breakers.reset", breaker_id);
}

/* A breaker row copied the runbook's reset command: say what to do with it. */
static void
reset_copied_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TwBreakersPage *self = TW_BREAKERS_PAGE (widget);
  TwTradingState *state;
  const char *service_id, *breaker_id, *name = NULL;
  g_autofree char *text = NULL;

  g_variant_get (parameter, "(&s&s)", &service_id, &breaker_id);
  state = self->monitor != NULL ? tw_risk_monitor_lookup (self->monitor, service_id) : NULL;
  if (state != NULL)
    name = tw_trading_state_get_service_name (state);
  /* Translators: a service's name and a breaker's; the command is on the clipboard */
  text = g_strdup_printf (_("%s: reset command for %s copied — run it on the service's host"),
                          name != NULL ? name : service_id, breaker_id);
  show_result (self, text, TRUE);
}

/* Groups */

static void
clear_groups (TwBreakersPage *self)
{
  for (guint i = 0; i < self->groups->len; i++)
    gtk_box_remove (self->groups_box, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
}

static void
rebuild (TwBreakersPage *self)
{
  guint n = self->states != NULL ? g_list_model_get_n_items (self->states) : 0;

  clear_groups (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (self->states, i);
      TwClient *client = tw_workspace_get_client (self->workspace,
                                                  tw_trading_state_get_service_id (state));
      GtkWidget *group = tw_trading_state_group_new (state, self->runner, client);

      gtk_box_append (self->groups_box, group);
      g_ptr_array_add (self->groups, group);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->empty_page), self->states != NULL && n == 0);
}

/* The groups of the old states go at once (they hold the old session's objects); the
 * new ones are built when the page is shown: a profile of 200 services opens without
 * building 200 groups nobody looks at yet. */
static void
queue_rebuild (TwBreakersPage *self)
{
  clear_groups (self);
  tw_ui_update_when_mapped (GTK_WIDGET (self), (TwUiUpdateFunc) rebuild);
}

static void
states_changed_cb (TwBreakersPage *self)
{
  queue_rebuild (self);
}

static void
tw_breakers_page_dispose (GObject *object)
{
  TwBreakersPage *self = TW_BREAKERS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  tw_breakers_page_set_context (self, NULL, NULL, NULL);
  g_clear_weak_pointer (&self->guard_dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_BREAKERS_PAGE);

  G_OBJECT_CLASS (tw_breakers_page_parent_class)->dispose (object);
}

static void
tw_breakers_page_finalize (GObject *object)
{
  TwBreakersPage *self = TW_BREAKERS_PAGE (object);

  g_ptr_array_unref (self->groups);
  g_clear_object (&self->cancellable);
  g_free (self->last_result);

  G_OBJECT_CLASS (tw_breakers_page_parent_class)->finalize (object);
}

static void
tw_breakers_page_class_init (TwBreakersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_breakers_page_dispose;
  object_class->finalize = tw_breakers_page_finalize;

  signals[ACTION_FINISHED] =
    g_signal_new ("action-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING);

  /* The failed-halt banner: in a narrow window its Retry goes under its text. */
  g_type_ensure (TW_TYPE_BANNER_BOX);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-breakers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TwBreakersPage, failure_revealer);
  gtk_widget_class_bind_template_child (widget_class, TwBreakersPage, failure_label);
  gtk_widget_class_bind_template_child (widget_class, TwBreakersPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TwBreakersPage, groups_box);

  gtk_widget_class_install_action (widget_class, "breakers.halt", "s", halt_action);
  gtk_widget_class_install_action (widget_class, "breakers.emergency-stop", "s", emergency_stop_action);
  gtk_widget_class_install_action (widget_class, "breakers.resume", "s", resume_action);
  gtk_widget_class_install_action (widget_class, "breakers.kill-switch-activate", "s",
                                   kill_activate_action);
  gtk_widget_class_install_action (widget_class, "breakers.kill-switch-deactivate", "s",
                                   kill_deactivate_action);
  gtk_widget_class_install_action (widget_class, "breakers.reset", "(ss)", reset_action);
  gtk_widget_class_install_action (widget_class, "breakers.reset-copied", "(ss)",
                                   reset_copied_action);
}

static void
tw_breakers_page_init (TwBreakersPage *self)
{
  self->groups = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tw_breakers_page_new (void)
{
  return g_object_new (TW_TYPE_BREAKERS_PAGE, NULL);
}

void
tw_breakers_page_set_context (TwBreakersPage *self,
                              TwWorkspace    *workspace,
                              TwRiskMonitor  *monitor,
                              TwActionRunner *runner)
{
  g_return_if_fail (TW_IS_BREAKERS_PAGE (self));
  g_return_if_fail (workspace == NULL || TW_IS_WORKSPACE (workspace));
  g_return_if_fail (monitor == NULL || TW_IS_RISK_MONITOR (monitor));
  g_return_if_fail (runner == NULL || TW_IS_ACTION_RUNNER (runner));

  if (self->workspace == workspace && self->monitor == monitor && self->runner == runner)
    return;

  if (self->states != NULL)
    g_signal_handlers_disconnect_by_data (self->states, self);
  g_clear_object (&self->states);
  g_set_object (&self->workspace, workspace);
  g_set_object (&self->monitor, monitor);
  g_set_object (&self->runner, runner);
  if (monitor != NULL && workspace != NULL)
    {
      self->states = g_object_ref (tw_risk_monitor_get_states (monitor));
      g_signal_connect_swapped (self->states, "items-changed", G_CALLBACK (states_changed_cb), self);
    }
  /* The box is NULL once the template is disposed. */
  if (self->groups_box != NULL)
    queue_rebuild (self);
  else
    g_ptr_array_set_size (self->groups, 0);
}

/* @text: (nullable) what did not halt (the session's "halt-failure"); NULL hides the row. */
static void
set_halt_failure (TwBreakersPage *self,
                  const char     *text)
{
  if (text != NULL)
    gtk_label_set_label (self->failure_label, text);
  /* A crossfading revealer keeps its child's size hidden: no empty band without one (as
   * on the Overview). */
  gtk_widget_set_visible (GTK_WIDGET (self->failure_revealer), text != NULL);
  gtk_revealer_set_reveal_child (self->failure_revealer, text != NULL);
}

const char *
tw_breakers_page_get_halt_failure (TwBreakersPage *self)
{
  g_return_val_if_fail (TW_IS_BREAKERS_PAGE (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->failure_revealer))
    return NULL;
  return gtk_label_get_label (self->failure_label);
}

TwTradingStateGroup *
tw_breakers_page_get_group (TwBreakersPage *self,
                            const char     *service_id)
{
  g_return_val_if_fail (TW_IS_BREAKERS_PAGE (self), NULL);

  tw_ui_flush_update (GTK_WIDGET (self));
  for (guint i = 0; i < self->groups->len; i++)
    {
      TwTradingStateGroup *group = g_ptr_array_index (self->groups, i);

      if (g_strcmp0 (tw_trading_state_get_service_id (tw_trading_state_group_get_state (group)),
                     service_id) == 0)
        return group;
    }
  return NULL;
}

guint
tw_breakers_page_get_n_groups (TwBreakersPage *self)
{
  g_return_val_if_fail (TW_IS_BREAKERS_PAGE (self), 0);

  tw_ui_flush_update (GTK_WIDGET (self));
  return self->groups->len;
}

GtkWidget *
tw_breakers_page_get_guard_dialog (TwBreakersPage *self)
{
  g_return_val_if_fail (TW_IS_BREAKERS_PAGE (self), NULL);

  return self->guard_dialog;
}

const char *
tw_breakers_page_get_last_result (TwBreakersPage *self)
{
  g_return_val_if_fail (TW_IS_BREAKERS_PAGE (self), NULL);

  return self->last_result;
}

/* TwSessionPage: what the page shows of the window's session */

static void
halt_failure_changed_cb (TwBreakersPage *self)
{
  set_halt_failure (self, self->session != NULL
                          ? tw_session_get_halt_failure (self->session) : NULL);
}

static void
session_page_set_session (TwSessionPage *page,
                          TwSession     *session)
{
  TwBreakersPage *self = TW_BREAKERS_PAGE (page);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "notify::halt-failure", G_CALLBACK (halt_failure_changed_cb),
                             self, G_CONNECT_SWAPPED);
  tw_breakers_page_set_context (self,
                                session != NULL ? tw_session_get_workspace (session) : NULL,
                                session != NULL ? tw_session_get_risk_monitor (session) : NULL,
                                session != NULL ? tw_session_get_action_runner (session) : NULL);
  /* Also a Halt All that failed while the page was not built yet. */
  halt_failure_changed_cb (self);
}

static void
session_page_iface_init (TwSessionPageInterface *iface)
{
  iface->set_session = session_page_set_session;
}
