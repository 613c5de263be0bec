/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-trading-state-group.h"
#include "tw-trading-state-group-private.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tw-risk-parameters-dialog.h"
#include "tw-ui-util.h"

/* One parameter shown in the "Risk parameters" expander row. */
typedef struct
{
  TwRiskParameter *param;
  GtkWidget       *row;
  GtkLabel        *value_label;
} ParamDisplay;

struct _TwTradingStateGroup
{
  AdwPreferencesGroup  parent_instance;

  TwTradingState      *state;
  TwActionRunner      *runner;
  TwClient            *client;
  GListModel          *breakers;
  GPtrArray           *breaker_rows;
  char                *detail_text;
  char                *stale_word;
  TwRiskParameters    *parameters;
  AdwExpanderRow      *params_row;     /* owned: re-added after the breakers */
  GtkWidget           *params_edit_button;
  GArray              *param_displays; /* ParamDisplay */
  char                *params_subtitle;
  GtkWidget           *params_dialog;  /* weak */
  GCancellable        *cancellable;

  GtkButton           *halt_button;
  GtkButton           *emergency_button;
  GtkButton           *resume_button;
  AdwActionRow        *mode_row;
  GtkImage            *mode_icon;
  AdwActionRow        *blocked_row;
  AdwActionRow        *kill_row;
  GtkImage            *kill_icon;
  GtkButton           *kill_activate_button;
  GtkButton           *kill_deactivate_button;
  AdwActionRow        *error_row;
};

G_DEFINE_FINAL_TYPE (TwTradingStateGroup, tw_trading_state_group, ADW_TYPE_PREFERENCES_GROUP)

static gboolean
in_flight (TwTradingStateGroup *self,
           const char          *operation)
{
  return self->runner != NULL
         && tw_action_runner_is_in_flight (self->runner,
                                           tw_trading_state_get_service_id (self->state),
                                           operation);
}

static gboolean
has_op (TwTradingStateGroup *self,
        const char          *operation)
{
  return self->client != NULL && tw_client_has_operation (self->client, operation);
}

/* TRUE when the connector maps @a and @b to the same request (the IBKR assistant halts
 * with its kill switch): the group then shows one control for both. */
static gboolean
same_request (TwTradingStateGroup *self,
              const char          *a,
              const char          *b)
{
  TwConnector *connector;
  const TwOperation *op_a;
  const TwOperation *op_b;

  if (self->client == NULL)
    return FALSE;
  connector = tw_client_get_connector (self->client);
  op_a = tw_connector_get_operation (connector, a);
  op_b = tw_connector_get_operation (connector, b);
  return op_a != NULL && op_b != NULL
         && g_strcmp0 (tw_operation_get_method (op_a), tw_operation_get_method (op_b)) == 0
         && g_strcmp0 (tw_operation_get_path_template (op_a), tw_operation_get_path_template (op_b)) == 0;
}

static void
update_buttons (TwTradingStateGroup *self)
{
  gboolean kill_active = tw_trading_state_get_kill_switch_active (self->state);
  /* Halted by what this service's own resume lifts: not by the broker's block, which
   * only the broker lifts (its own Halt can still be set on top of it). */
  gboolean halted = tw_trading_state_get_mode (self->state) == TW_TRADING_HALTED || kill_active;
  /* Halt that is the kill switch: only the kill switch's own, clearly named, buttons. */
  gboolean halt_is_kill = same_request (self, "trading.halt", "killswitch.activate");
  gboolean resume_is_kill = same_request (self, "trading.resume", "killswitch.deactivate");

  gtk_widget_set_visible (GTK_WIDGET (self->halt_button),
                          tw_trading_state_get_can_halt (self->state) && !halted && !halt_is_kill);
  gtk_widget_set_visible (GTK_WIDGET (self->resume_button),
                          tw_trading_state_get_can_resume (self->state) && halted && !resume_is_kill);
  gtk_widget_set_sensitive (GTK_WIDGET (self->halt_button), !in_flight (self, "trading.halt"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->resume_button), !in_flight (self, "trading.resume"));
  /* The emergency stop closes positions too: useful halted or not. */
  gtk_widget_set_visible (GTK_WIDGET (self->emergency_button), has_op (self, "trading.emergency_stop"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->emergency_button),
                            !in_flight (self, "trading.emergency_stop"));

  gtk_widget_set_visible (GTK_WIDGET (self->kill_activate_button),
                          !kill_active && has_op (self, "killswitch.activate"));
  gtk_widget_set_visible (GTK_WIDGET (self->kill_deactivate_button),
                          kill_active && has_op (self, "killswitch.deactivate"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->kill_activate_button),
                            !in_flight (self, "killswitch.activate"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->kill_deactivate_button),
                            !in_flight (self, "killswitch.deactivate"));

  for (guint i = 0; i < self->breaker_rows->len; i++)
    {
      TwBreakerRow *row = g_ptr_array_index (self->breaker_rows, i);

      tw_breaker_row_set_in_flight (row, in_flight (self, "breakers.reset"));
    }
}

static const char *
mode_word (TwTradingMode mode)
{
  switch (mode)
    {
    case TW_TRADING_ACTIVE:
      return _("ACTIVE");
    case TW_TRADING_REDUCING:
      return _("REDUCING");
    case TW_TRADING_HALTED:
      return _("HALTED");
    case TW_TRADING_UNKNOWN:
    default:
      return _("Unknown");
    }
}

static void
append_part (GString    *str,
             const char *part)
{
  if (part == NULL || *part == '\0')
    return;
  if (str->len > 0)
    g_string_append (str, " — ");
  g_string_append (str, part);
}

/* "by X" only when the reason does not name X already ("Halted from Trade Warden by
 * root" — never "… by root — by root"). */
static gboolean
names_author (const char *reason,
              const char *by)
{
  return by == NULL || *by == '\0' || (reason != NULL && strstr (reason, by) != NULL);
}

static char *
describe (const char *reason,
          GDateTime  *since,
          const char *by)
{
  g_autoptr(GString) str = g_string_new (NULL);
  g_autofree char *since_text = since != NULL ? tw_ui_format_since (since) : NULL;
  g_autofree char *by_text = NULL;

  if (!names_author (reason, by))
    /* Translators: who set a state, e.g. "by ops-oncall" */
    by_text = g_strdup_printf (_("by %s"), by);
  append_part (str, reason);
  append_part (str, since_text);
  append_part (str, by_text);
  return g_string_free (g_steal_pointer (&str), FALSE);
}

/* What this console last did to a service that cannot say its own state. */
static const char *
action_word (const char *operation)
{
  if (g_strcmp0 (operation, "trading.halt") == 0)
    /* Translators: the console's last action on a service, "halted at 14:02 by alice" */
    return C_("last action", "halted");
  if (g_strcmp0 (operation, "trading.emergency_stop") == 0)
    return C_("last action", "emergency stop");
  if (g_strcmp0 (operation, "trading.resume") == 0)
    return C_("last action", "resumed");
  if (g_strcmp0 (operation, "trading.reduce") == 0)
    return C_("last action", "set to reduce only");
  if (g_strcmp0 (operation, "killswitch.activate") == 0)
    return C_("last action", "kill switch activated");
  if (g_strcmp0 (operation, "killswitch.deactivate") == 0)
    return C_("last action", "kill switch deactivated");
  return operation;
}

static char *
describe_unreported (TwTradingState *state)
{
  const char *action = tw_trading_state_get_last_action (state);
  GDateTime *at = tw_trading_state_get_last_action_at (state);
  const char *by = tw_trading_state_get_last_action_by (state);
  g_autofree char *time = at != NULL ? tw_ui_format_time (at) : g_strdup ("?");
  g_autofree char *last = NULL;

  if (action == NULL)
    last = g_strdup (_("no halt from this console yet"));
  else if (by != NULL && *by != '\0')
    /* Translators: "halted at 14:02:07 by alice" */
    last = g_strdup_printf (_("%s at %s by %s"), action_word (action), time, by);
  else
    last = g_strdup_printf (_("%s at %s"), action_word (action), time);

  if (!tw_trading_state_get_can_resume (state))
    /* Translators: the service's runbook has an operation to halt it, none to read its
     * state or to resume it */
    return g_strdup_printf (_("Last action from this console: %s. Its runbook documents no "
                              "resume: re-enable trading on the service itself."), last);
  return g_strdup_printf (_("Last action from this console: %s"), last);
}

/* The service does not answer: its breakers are only the last ones read, greyed and
 * dated, never green. */
static void
update_breakers_staleness (TwTradingStateGroup *self)
{
  g_autofree char *last_error = NULL;
  g_autoptr(GDateTime) updated_at = NULL;

  g_object_get (self->state, "last-error", &last_error, "updated-at", &updated_at, NULL);
  for (guint i = 0; i < self->breaker_rows->len; i++)
    tw_breaker_row_set_last_known (g_ptr_array_index (self->breaker_rows, i), last_error != NULL,
                                   updated_at);
}

/* Why it is halted, first cause first: a Halt All on top of a tripped breaker adds
 * itself after the breaker's reason, never in its place. */
static char *
describe_causes (TwTradingState *state)
{
  guint n = tw_trading_state_get_n_causes (state);
  const char *reason;
  const char *by;
  GDateTime *since;
  g_autofree char *first = NULL;
  g_autoptr(GString) str = NULL;

  if (n == 0)
    return describe (tw_trading_state_get_reason (state), tw_trading_state_get_since (state),
                     tw_trading_state_get_by (state));

  tw_trading_state_get_cause (state, 0, &reason, &by, &since);
  first = describe (reason, since, by);
  str = g_string_new (first);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(GDateTime) local = NULL;
      g_autofree char *clock = NULL;
      g_autofree char *what = NULL;

      tw_trading_state_get_cause (state, i, &reason, &by, &since);
      local = g_date_time_to_local (since);
      clock = g_date_time_format (local, "%H:%M");
      if (names_author (reason, by))
        what = g_strdup (reason != NULL ? reason : "");
      else
        /* Translators: a later cause of a halt: "<reason> by <who>" */
        what = g_strdup_printf (_("%s by %s"), reason != NULL ? reason : _("Halted"), by);
      /* Translators: a later cause after the first, e.g.
       * " · then Halted from Trade Warden by root at 14:05" */
      g_string_append_printf (str, _(" · then %s at %s"), what, clock);
    }
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static void
update_mode (TwTradingStateGroup *self)
{
  TwTradingState *state = self->state;
  TwTradingMode mode = tw_trading_state_get_mode (state);
  gboolean kill_active = tw_trading_state_get_kill_switch_active (state);
  gboolean blocked = tw_trading_state_get_trading_blocked (state);
  gboolean account_blocked = tw_trading_state_get_account_blocked (state);
  const char *icon;
  const char *style;
  const char *word;

  /* Halted by any means reads as HALTED: the kill switch and broker blocks too. */
  if (tw_trading_state_is_halted (state))
    {
      mode = TW_TRADING_HALTED;
      icon = "media-playback-stop-symbolic";
      style = "error";
    }
  else if (mode == TW_TRADING_ACTIVE)
    {
      icon = "media-playback-start-symbolic";
      style = "success";
    }
  else if (mode == TW_TRADING_REDUCING)
    {
      icon = "dialog-warning-symbolic";
      style = "warning";
    }
  else
    {
      icon = "content-loading-symbolic";
      style = NULL;
    }
  word = mode_word (mode);

  {
    g_autofree char *last_error = NULL;

    g_object_get (state, "last-error", &last_error, NULL);
    gtk_widget_set_visible (GTK_WIDGET (self->error_row), last_error != NULL);
    adw_action_row_set_subtitle (self->error_row, last_error);
    /* Not read now: the mode shown is only the last one known, never presented as current. */
    if (last_error != NULL)
      {
        g_free (self->stale_word);
        if (mode == TW_TRADING_UNKNOWN)
          self->stale_word = g_strdup (_("Unknown — could not read the trading state"));
        else
          /* Translators: a mode word, e.g. "ACTIVE (last known, not current)" */
          self->stale_word = g_strdup_printf (_("%s (last known, not current)"), mode_word (mode));
        word = self->stale_word;
        icon = "dialog-warning-symbolic";
        style = "warning";
      }
  }
  /* A service with breakers only (no trading switch of its own). */
  gtk_widget_set_visible (GTK_WIDGET (self->mode_row),
                          mode != TW_TRADING_UNKNOWN || tw_trading_state_get_can_halt (state)
                          || gtk_widget_get_visible (GTK_WIDGET (self->error_row)));

  g_free (self->detail_text);
  self->detail_text = describe_causes (state);
  /* Nothing reads this service's state back (its runbook has no such call): say so, and
   * what this console last did, never a guessed state. */
  if (!tw_trading_state_get_reported (state) && mode == TW_TRADING_UNKNOWN
      && !gtk_widget_get_visible (GTK_WIDGET (self->error_row)))
    {
      g_free (self->detail_text);
      self->detail_text = describe_unreported (state);
      word = _("State not reported by this service");
      /* Not dialog-question-symbolic: Adwaita 43 draws it as a diamond with a question
       * mark, which reads as a missing glyph (U+FFFD); dialog-information-symbolic is
       * a light bulb. This one is an "i" in a circle. */
      icon = "help-about-symbolic";
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->mode_row), word);
  adw_action_row_set_subtitle (self->mode_row,
                               *self->detail_text != '\0' ? self->detail_text
                               : mode == TW_TRADING_UNKNOWN ? _("Waiting for the service to answer")
                               : mode == TW_TRADING_ACTIVE ? _("Trading normally")
                               : blocked || account_blocked ? _("Blocked by the broker: see below")
                                                            : _("No reason given"));
  tw_ui_set_icon_name (self->mode_icon, icon);
  tw_ui_set_status_style (GTK_WIDGET (self->mode_icon), style);
  tw_ui_set_status_style (GTK_WIDGET (self->mode_row), style);

  /* The broker's own blocks: loud. */
  gtk_widget_set_visible (GTK_WIDGET (self->blocked_row), blocked || account_blocked);
  if (account_blocked)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->blocked_row),
                                     _("ACCOUNT BLOCKED by the broker"));
      adw_action_row_set_subtitle (self->blocked_row,
                                   _("account_blocked is set: no trading or transfers until the broker lifts it"));
    }
  else if (blocked)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->blocked_row),
                                     _("TRADING BLOCKED by the broker"));
      adw_action_row_set_subtitle (self->blocked_row,
                                   _("trading_blocked is set: the broker refuses new orders"));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->kill_row),
                          tw_trading_state_get_kill_switch_supported (state) || kill_active);
  if (gtk_widget_get_visible (GTK_WIDGET (self->kill_row)))
    {
      g_autofree char *kill_reason = NULL;
      g_autofree char *kill_by = NULL;
      g_autoptr(GDateTime) kill_at = NULL;
      g_autofree char *detail = NULL;

      g_object_get (state, "kill-switch-reason", &kill_reason, "kill-switch-at", &kill_at,
                    "kill-switch-by", &kill_by, NULL);
      detail = describe (kill_reason, kill_at, kill_by);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->kill_row),
                                     kill_active ? _("Kill switch: ACTIVE") : _("Kill switch: off"));
      adw_action_row_set_subtitle (self->kill_row,
                                   kill_active ? (*detail != '\0' ? detail : _("No reason given"))
                                               : _("Trading is not blocked by the kill switch"));
      tw_ui_set_icon_name (self->kill_icon,
                                    kill_active ? "changes-prevent-symbolic" : "changes-allow-symbolic");
      tw_ui_set_status_style (GTK_WIDGET (self->kill_icon), kill_active ? "error" : NULL);
    }

  update_buttons (self);
  update_breakers_staleness (self);
}

static void
rebuild_breakers (TwTradingStateGroup *self)
{
  guint n = g_list_model_get_n_items (self->breakers);

  for (guint i = 0; i < self->breaker_rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self),
                                  g_ptr_array_index (self->breaker_rows, i));
  g_ptr_array_set_size (self->breaker_rows, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwBreaker) breaker = g_list_model_get_item (self->breakers, i);
      GtkWidget *row = tw_breaker_row_new (breaker, tw_trading_state_get_service_id (self->state));

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->breaker_rows, row);
    }
  /* The risk parameters stay below the breakers. */
  if (self->params_row != NULL)
    {
      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->params_row));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->params_row));
    }
  update_buttons (self);
  update_breakers_staleness (self);
}

/* Risk parameters */

static void
param_display_clear (ParamDisplay *display)
{
  g_clear_object (&display->param);
}

static void
update_params (TwTradingStateGroup *self)
{
  const char *error;
  gboolean can_set;

  if (self->parameters == NULL || self->params_row == NULL)
    return;

  for (guint i = 0; i < self->param_displays->len; i++)
    {
      ParamDisplay *display = &g_array_index (self->param_displays, ParamDisplay, i);
      g_autofree char *number = tw_risk_parameter_format_display (display->param,
                                                                  tw_risk_parameter_get_value (display->param));
      const char *unit = tw_risk_parameter_get_unit (display->param);
      g_autofree char *text = NULL;

      if (*unit != '\0')
        /* Translators: a number and its unit, e.g. "5 %" */
        text = g_strdup_printf (_("%s %s"), number, unit);
      gtk_label_set_label (display->value_label, text != NULL ? text : number);
    }

  error = tw_risk_parameters_get_last_error (self->parameters);
  g_free (self->params_subtitle);
  if (error != NULL)
    /* Translators: why the risk parameters could not be read */
    self->params_subtitle = g_strdup_printf (_("Could not read them: %s"), error);
  else if (!tw_risk_parameters_get_loaded (self->parameters))
    self->params_subtitle = g_strdup (_("Reading from the service…"));
  else
    self->params_subtitle = g_strdup (_("As the service enforces them; changes are guarded and audited"));
  adw_expander_row_set_subtitle (self->params_row, self->params_subtitle);

  can_set = has_op (self, "risk.parameters.set") && self->runner != NULL;
  gtk_widget_set_visible (self->params_edit_button, can_set);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "risk-parameters.edit",
                                 can_set && tw_risk_parameters_get_loaded (self->parameters)
                                 && g_list_model_get_n_items (G_LIST_MODEL (self->parameters)) > 0
                                 && !in_flight (self, "risk.parameters.set"));
}

static void
rebuild_params (TwTradingStateGroup *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->parameters));

  for (guint i = 0; i < self->param_displays->len; i++)
    {
      ParamDisplay *display = &g_array_index (self->param_displays, ParamDisplay, i);

      g_signal_handlers_disconnect_by_data (display->param, self);
      adw_expander_row_remove (self->params_row, display->row);
    }
  g_array_set_size (self->param_displays, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwRiskParameter) param = g_list_model_get_item (G_LIST_MODEL (self->parameters), i);
      ParamDisplay display = { 0, };
      GtkWidget *label = gtk_label_new (NULL);

      display.param = g_object_ref (param);
      display.row = adw_action_row_new ();
      display.value_label = GTK_LABEL (label);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (display.row),
                                     g_dgettext (GETTEXT_PACKAGE, tw_risk_parameter_get_label (param)));
      gtk_label_set_selectable (display.value_label, TRUE);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (display.row), label);
      adw_expander_row_add_row (self->params_row, display.row);
      g_signal_connect_swapped (param, "notify::value", G_CALLBACK (update_params), self);
      g_array_append_val (self->param_displays, display);
    }
  update_params (self);
}

static void
params_refreshed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  /* The outcome is in the model ("loaded", "last-error"), shown by update_params(). */
  tw_risk_parameters_refresh_finish (TW_RISK_PARAMETERS (object), result, NULL);
}

static void
refresh_params (TwTradingStateGroup *self)
{
  tw_risk_parameters_refresh_async (self->parameters, self->cancellable, params_refreshed_cb, NULL);
}

static void
params_expanded_cb (TwTradingStateGroup *self)
{
  if (adw_expander_row_get_expanded (self->params_row))
    refresh_params (self);
}

static void
edit_params_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TwTradingStateGroup *self = TW_TRADING_STATE_GROUP (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->parameters == NULL || self->runner == NULL || !tw_risk_parameters_get_loaded (self->parameters))
    return;
  if (self->params_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->params_dialog));
      return;
    }
  self->params_dialog = tw_risk_parameters_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       self->parameters, self->runner,
                                                       tw_trading_state_get_service_id (self->state));
  g_object_add_weak_pointer (G_OBJECT (self->params_dialog), (gpointer *) &self->params_dialog);
  gtk_window_present (GTK_WINDOW (self->params_dialog));
}

static void
setup_params (TwTradingStateGroup *self)
{
  GtkWidget *button;

  self->parameters = tw_risk_parameters_new (self->client);
  self->params_row = ADW_EXPANDER_ROW (g_object_ref_sink (adw_expander_row_new ()));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->params_row), _("Risk parameters"));
  button = gtk_button_new_with_mnemonic (_("_Edit…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Change the risk parameters: asks for a reason and the runbook’s checklist"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "risk-parameters.edit");
  adw_expander_row_add_action (self->params_row, button);
  self->params_edit_button = button;
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->params_row));

  g_signal_connect_swapped (self->params_row, "notify::expanded", G_CALLBACK (params_expanded_cb), self);
  g_signal_connect_swapped (self->parameters, "items-changed", G_CALLBACK (rebuild_params), self);
  g_signal_connect_swapped (self->parameters, "notify::loaded", G_CALLBACK (update_params), self);
  g_signal_connect_swapped (self->parameters, "notify::last-error", G_CALLBACK (update_params), self);
  rebuild_params (self);
  refresh_params (self);
}

static void
halt_clicked_cb (TwTradingStateGroup *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "breakers.halt", "s",
                              tw_trading_state_get_service_id (self->state));
}

static void
emergency_clicked_cb (TwTradingStateGroup *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "breakers.emergency-stop", "s",
                              tw_trading_state_get_service_id (self->state));
}

static void
resume_clicked_cb (TwTradingStateGroup *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "breakers.resume", "s",
                              tw_trading_state_get_service_id (self->state));
}

static void
kill_activate_clicked_cb (TwTradingStateGroup *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "breakers.kill-switch-activate", "s",
                              tw_trading_state_get_service_id (self->state));
}

static void
kill_deactivate_clicked_cb (TwTradingStateGroup *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "breakers.kill-switch-deactivate", "s",
                              tw_trading_state_get_service_id (self->state));
}

static void
tw_trading_state_group_dispose (GObject *object)
{
  TwTradingStateGroup *self = TW_TRADING_STATE_GROUP (object);

  if (self->state != NULL)
    g_signal_handlers_disconnect_by_data (self->state, self);
  if (self->breakers != NULL)
    g_signal_handlers_disconnect_by_data (self->breakers, self);
  g_cancellable_cancel (self->cancellable);
  if (self->parameters != NULL)
    {
      for (guint i = 0; i < self->param_displays->len; i++)
        g_signal_handlers_disconnect_by_data (g_array_index (self->param_displays, ParamDisplay, i).param, self);
      g_signal_handlers_disconnect_by_data (self->parameters, self);
    }
  g_array_set_size (self->param_displays, 0);
  g_clear_object (&self->parameters);
  g_clear_object (&self->params_row);
  g_clear_weak_pointer (&self->params_dialog);
  g_clear_object (&self->breakers);
  g_clear_object (&self->state);
  g_clear_object (&self->runner);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_TRADING_STATE_GROUP);

  G_OBJECT_CLASS (tw_trading_state_group_parent_class)->dispose (object);
}

static void
tw_trading_state_group_finalize (GObject *object)
{
  TwTradingStateGroup *self = TW_TRADING_STATE_GROUP (object);

  g_ptr_array_unref (self->breaker_rows);
  g_array_unref (self->param_displays);
  g_clear_object (&self->cancellable);
  g_free (self->params_subtitle);
  g_free (self->detail_text);
  g_free (self->stale_word);

  G_OBJECT_CLASS (tw_trading_state_group_parent_class)->finalize (object);
}

static void
tw_trading_state_group_class_init (TwTradingStateGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_trading_state_group_dispose;
  object_class->finalize = tw_trading_state_group_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-trading-state-group.ui");
  gtk_widget_class_bind_template_child (widget_class, TwTradingStateGroup, halt_button);
  gtk_widget_class_bind_template_child (widget_class, TwTradingStateGroup, emergency_button);
  gtk_widget_class_bind_template_child (widget_class, TwTradingStateGroup, resume_button);
  gtk_widget_class_bind_template_child (widget_class, TwTradingStateGroup, mode_row);
  gtk_widget_class_bind_template_child (widget_class, TwTradingStateGroup, mode_icon);
  gtk_widget_class_bind_template_child (widget_class, TwTradingStateGroup, blocked_row);
  gtk_widget_class_bind_template_child (widget_class, TwTradingStateGroup, kill_row);
  gtk_widget_class_bind_template_child (widget_class, TwTradingStateGroup, kill_icon);
  gtk_widget_class_bind_template_child (widget_class, TwTradingStateGroup, kill_activate_button);
  gtk_widget_class_bind_template_child (widget_class, TwTradingStateGroup, kill_deactivate_button);
  gtk_widget_class_bind_template_child (widget_class, TwTradingStateGroup, error_row);
  gtk_widget_class_bind_template_callback (widget_class, halt_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, emergency_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, resume_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, kill_activate_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, kill_deactivate_clicked_cb);

  gtk_widget_class_install_action (widget_class, "risk-parameters.edit", NULL, edit_params_action);
}

static void
tw_trading_state_group_init (TwTradingStateGroup *self)
{
  self->breaker_rows = g_ptr_array_new ();
  self->param_displays = g_array_new (FALSE, TRUE, sizeof (ParamDisplay));
  g_array_set_clear_func (self->param_displays, (GDestroyNotify) param_display_clear);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Off screen (the Breakers page not shown), the group waits to be mapped: no work per
 * poll answer. */
static void
update_mode_notify_cb (TwTradingStateGroup *self)
{
  tw_ui_update_when_mapped (GTK_WIDGET (self), (TwUiUpdateFunc) update_mode);
}

GtkWidget *
tw_trading_state_group_new (TwTradingState *state,
                            TwActionRunner *runner,
                            TwClient       *client)
{
  TwTradingStateGroup *self;
  const char *name;

  g_return_val_if_fail (TW_IS_TRADING_STATE (state), NULL);
  g_return_val_if_fail (runner == NULL || TW_IS_ACTION_RUNNER (runner), NULL);
  g_return_val_if_fail (client == NULL || TW_IS_CLIENT (client), NULL);

  self = g_object_new (TW_TYPE_TRADING_STATE_GROUP, NULL);
  self->state = g_object_ref (state);
  self->runner = runner != NULL ? g_object_ref (runner) : NULL;
  self->client = client != NULL ? g_object_ref (client) : NULL;
  name = tw_trading_state_get_service_name (state);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self),
                                   name != NULL ? name : tw_trading_state_get_service_id (state));

  g_signal_connect_swapped (state, "notify", G_CALLBACK (update_mode_notify_cb), self);
  self->breakers = g_object_ref (tw_trading_state_get_breakers (state));
  g_signal_connect_swapped (self->breakers, "items-changed", G_CALLBACK (rebuild_breakers), self);
  if (runner != NULL)
    {
      g_signal_connect_object (runner, "in-flight-changed", G_CALLBACK (update_buttons), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (runner, "in-flight-changed", G_CALLBACK (update_params), self,
                               G_CONNECT_SWAPPED);
    }
  if (has_op (self, "risk.parameters.get"))
    setup_params (self);
  rebuild_breakers (self);
  update_mode (self);
  return GTK_WIDGET (self);
}

TwTradingState *
tw_trading_state_group_get_state (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), NULL);

  return self->state;
}

const char *
tw_trading_state_group_get_mode_text (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->mode_row));
}

const char *
tw_trading_state_group_get_detail_text (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  return self->detail_text;
}

const char *
tw_trading_state_group_get_kill_switch_text (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  if (!gtk_widget_get_visible (GTK_WIDGET (self->kill_row)))
    return NULL;
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->kill_row));
}

const char *
tw_trading_state_group_get_blocked_text (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  if (!gtk_widget_get_visible (GTK_WIDGET (self->blocked_row)))
    return NULL;
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->blocked_row));
}

gboolean
tw_trading_state_group_get_halt_sensitive (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), FALSE);
  tw_ui_flush_update (GTK_WIDGET (self));

  return gtk_widget_get_sensitive (GTK_WIDGET (self->halt_button));
}

gboolean
tw_trading_state_group_get_halt_visible (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), FALSE);
  tw_ui_flush_update (GTK_WIDGET (self));

  return gtk_widget_get_visible (GTK_WIDGET (self->halt_button));
}

gboolean
tw_trading_state_group_get_resume_visible (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), FALSE);
  tw_ui_flush_update (GTK_WIDGET (self));

  return gtk_widget_get_visible (GTK_WIDGET (self->resume_button));
}

TwBreakerRow *
tw_trading_state_group_get_breaker_row (TwTradingStateGroup *self,
                                        const char          *breaker_id)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  for (guint i = 0; i < self->breaker_rows->len; i++)
    {
      TwBreakerRow *row = g_ptr_array_index (self->breaker_rows, i);

      if (g_strcmp0 (tw_breaker_get_id (tw_breaker_row_get_breaker (row)), breaker_id) == 0)
        return row;
    }
  return NULL;
}

TwRiskParameters *
tw_trading_state_group_get_risk_parameters (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), NULL);

  return self->parameters;
}

const char *
tw_trading_state_group_get_risk_parameter_text (TwTradingStateGroup *self,
                                                const char          *key)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; self->param_displays != NULL && i < self->param_displays->len; i++)
    {
      ParamDisplay *display = &g_array_index (self->param_displays, ParamDisplay, i);

      if (g_str_equal (tw_risk_parameter_get_key (display->param), key))
        return gtk_label_get_label (display->value_label);
    }
  return NULL;
}

const char *
tw_trading_state_group_get_risk_parameters_subtitle (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  return self->params_row != NULL ? self->params_subtitle : NULL;
}

GtkWidget *
tw_trading_state_group_get_risk_parameters_dialog (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  return self->params_dialog;
}

gboolean
tw_trading_state_group_get_emergency_stop_visible (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->emergency_button));
}

gboolean
tw_trading_state_group_get_emergency_stop_sensitive (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), FALSE);

  return gtk_widget_get_sensitive (GTK_WIDGET (self->emergency_button));
}

guint
tw_trading_state_group_count_stop_controls (TwTradingStateGroup *self)
{
  GtkButton *buttons[3];
  guint n = 0;

  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), 0);

  buttons[0] = self->halt_button;
  buttons[1] = self->kill_activate_button;
  buttons[2] = self->emergency_button;
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    if (gtk_widget_get_visible (GTK_WIDGET (buttons[i])))
      n++;
  return n;
}

const char *
tw_trading_state_group_get_kill_activate_label (TwTradingStateGroup *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE_GROUP (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->kill_activate_button)))
    return NULL;
  return gtk_button_get_label (self->kill_activate_button);
}
