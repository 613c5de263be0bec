/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-risk-parameters-dialog.h"
#include "tw-risk-parameters-dialog-private.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tw-error.h"
#include "tw-guard-dialog.h"
#include "tw-window.h"

/* The five InvestIQ labels of the core's table, for the translation template: the
 * core keeps them in English and this dialog translates them with g_dgettext(). */
static const char * const known_labels[] G_GNUC_UNUSED = {
  N_("Max position size"), N_("Max consecutive losses"), N_("Max daily loss"),
  N_("Max drawdown"), N_("Stop loss"),
};

typedef struct
{
  TwRiskParameter *param;
  AdwActionRow    *row;
  GtkSpinButton   *spin;
  char            *subtitle;
} ParamRow;

struct _TwRiskParametersDialog
{
  AdwWindow         parent_instance;

  TwRiskParameters *parameters;
  TwActionRunner   *runner;
  char             *service_id;
  char             *service_name;
  GArray           *rows;           /* ParamRow */
  GCancellable     *cancellable;
  GtkWidget        *guard_dialog;   /* weak */
  gboolean          busy;
  gboolean          can_save;
  char             *error;

  GtkButton        *save_button;
  GtkRevealer      *error_revealer;
  GtkLabel         *error_label;
  AdwPreferencesGroup *group;
};

G_DEFINE_FINAL_TYPE (TwRiskParametersDialog, tw_risk_parameters_dialog, ADW_TYPE_WINDOW)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
param_row_clear (ParamRow *row)
{
  g_clear_object (&row->param);
  g_clear_pointer (&row->subtitle, g_free);
}

/* "5 %", "3", "4,5 %" in German: as the operator reads it. */
static char *
format_with_unit (TwRiskParameter *param,
                  double           value)
{
  g_autofree char *number = tw_risk_parameter_format_display (param, value);
  const char *unit = tw_risk_parameter_get_unit (param);

  if (unit == NULL || *unit == '\0')
    return g_steal_pointer (&number);
  /* Translators: a number and its unit, e.g. "5 %" */
  return g_strdup_printf (_("%s %s"), number, unit);
}

static gboolean
row_changed (ParamRow *row)
{
  g_autofree char *now = tw_risk_parameter_format_value (row->param, tw_risk_parameter_get_value (row->param));
  g_autofree char *typed = tw_risk_parameter_format_value (row->param, gtk_spin_button_get_value (row->spin));

  return g_strcmp0 (now, typed) != 0;
}

static void
update (TwRiskParametersDialog *self)
{
  gboolean any_changed = FALSE;

  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *row = &g_array_index (self->rows, ParamRow, i);
      g_autofree char *now = format_with_unit (row->param, tw_risk_parameter_get_value (row->param));

      g_free (row->subtitle);
      if (row_changed (row))
        {
          g_autofree char *typed = format_with_unit (row->param, gtk_spin_button_get_value (row->spin));

          any_changed = TRUE;
          /* Translators: the current value and the new one, e.g. "5 % → 4.5 %" */
          row->subtitle = g_strdup_printf (_("%s → %s"), now, typed);
          gtk_widget_add_css_class (GTK_WIDGET (row->row), "tw-changed");
        }
      else
        {
          /* Translators: the current value, e.g. "Now 5 %" */
          row->subtitle = g_strdup_printf (_("Now %s"), now);
          gtk_widget_remove_css_class (GTK_WIDGET (row->row), "tw-changed");
        }
      adw_action_row_set_subtitle (row->row, row->subtitle);
      gtk_widget_set_sensitive (GTK_WIDGET (row->spin), !self->busy);
    }
  self->can_save = any_changed && !self->busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "risk-parameters.save", self->can_save);
}

static void
set_error (TwRiskParametersDialog *self,
           const char             *text)
{
  g_free (self->error);
  self->error = g_strdup (text);
  if (text != NULL)
    gtk_label_set_label (self->error_label, text);
  gtk_revealer_set_reveal_child (self->error_revealer, text != NULL);
}

static void
set_busy (TwRiskParametersDialog *self,
          gboolean                busy)
{
  self->busy = busy;
  if (self->rows != NULL && self->group != NULL)
    update (self);
}

static void
add_rows (TwRiskParametersDialog *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->parameters));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwRiskParameter) param = g_list_model_get_item (G_LIST_MODEL (self->parameters), i);
      gboolean integer = tw_risk_parameter_get_is_integer (param);
      GtkAdjustment *adjustment;
      ParamRow row = { 0, };

      row.param = g_object_ref (param);
      row.row = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row.row),
                                     g_dgettext (GETTEXT_PACKAGE, tw_risk_parameter_get_label (param)));
      /* The service is the judge of the range: its refusal is shown as it words it. */
      adjustment = gtk_adjustment_new (tw_risk_parameter_get_value (param), 0, 1e6,
                                       integer ? 1 : 0.5, integer ? 5 : 5, 0);
      row.spin = GTK_SPIN_BUTTON (gtk_spin_button_new (adjustment, integer ? 1 : 0.5, integer ? 0 : 2));
      gtk_widget_set_valign (GTK_WIDGET (row.spin), GTK_ALIGN_CENTER);
      /* Named by its row: an activatable row labels its widget with its title (a label
       * of its own as well was said twice). */
      adw_action_row_add_suffix (row.row, GTK_WIDGET (row.spin));
      if (*tw_risk_parameter_get_unit (param) != '\0')
        adw_action_row_add_suffix (row.row, gtk_label_new (tw_risk_parameter_get_unit (param)));
      adw_action_row_set_activatable_widget (row.row, GTK_WIDGET (row.spin));
      g_signal_connect_object (row.spin, "value-changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      adw_preferences_group_add (self->group, GTK_WIDGET (row.row));
      g_array_append_val (self->rows, row);
    }
}

/* Saving */

typedef struct
{
  TwRiskParametersDialog *self;
  TwRiskParameters       *parameters;
  TwGuardRequest         *request;
  GHashTable             *vars;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->parameters);
  g_clear_object (&data->request);
  g_clear_pointer (&data->vars, g_hash_table_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaveData, save_data_free)

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SaveData) data = user_data;
  TwRiskParametersDialog *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  GtkWindow *parent;

  node = tw_action_runner_run_finish (TW_ACTION_RUNNER (object), result, NULL, &error);
  /* The service's answer is the whole new set; read it back if it is not. */
  if (error == NULL && !tw_risk_parameters_apply_json (data->parameters, node, NULL))
    tw_risk_parameters_refresh_async (data->parameters, NULL, NULL, NULL);

  /* Closed meanwhile: the result is audited and in the model; nothing left to show. */
  if (self->group == NULL)
    return;

  set_busy (self, FALSE);
  if (error != NULL)
    {
      set_error (self, error->message);
      g_signal_emit (self, signals[FINISHED], 0, FALSE, error->message);
      return;
    }

  /* Translators: a service's name */
  text = g_strdup_printf (_("%s: risk parameters saved"), self->service_name);
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (TW_IS_WINDOW (parent))
    tw_window_add_toast (TW_WINDOW (parent), adw_toast_new (text));
  g_signal_emit (self, signals[FINISHED], 0, TRUE, text);
  gtk_window_close (GTK_WINDOW (self));
}

static void
confirm_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SaveData) data = user_data;
  TwRiskParametersDialog *self = data->self;
  g_autoptr(GError) error = NULL;

  if (!tw_guard_confirm_finish (result, &error))
    {
      if (self->group == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      set_error (self, _("Cancelled in the confirmation: nothing was sent."));
      g_signal_emit (self, signals[FINISHED], 0, FALSE, self->error);
      return;
    }
  if (self->group == NULL)
    return;
  /* No cancellable: once confirmed, the action runs to its audited end. */
  {
    TwGuardRequest *request = data->request;
    GHashTable *vars = data->vars;

    tw_action_runner_run_async (self->runner, request, self->service_id, "risk.parameters.set",
                                vars, NULL, run_done_cb, g_steal_pointer (&data));
  }
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TwRiskParametersDialog *self = TW_RISK_PARAMETERS_DIALOG (widget);
  g_autoptr(GHashTable) changes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  SaveData *data;

  if (self->busy || tw_action_runner_is_in_flight (self->runner, self->service_id, "risk.parameters.set"))
    return;
  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *row = &g_array_index (self->rows, ParamRow, i);

      if (row_changed (row))
        g_hash_table_insert (changes, (gpointer) tw_risk_parameter_get_key (row->param),
                             tw_risk_parameter_format_value (row->param,
                                                             gtk_spin_button_get_value (row->spin)));
    }
  if (g_hash_table_size (changes) == 0)
    return;

  data = g_new0 (SaveData, 1);
  data->self = g_object_ref (self);
  data->parameters = g_object_ref (self->parameters);
  data->vars = tw_risk_parameters_build_vars (self->parameters, changes);
  data->request = tw_action_runner_new_request (self->runner, "risk.parameters.set", self->service_name);

  set_error (self, NULL);
  set_busy (self, TRUE);
  g_clear_weak_pointer (&self->guard_dialog);
  self->guard_dialog = tw_guard_confirm_async (GTK_WINDOW (self), data->request,
                                               tw_action_runner_get_workspace (self->runner),
                                               self->service_id, self->cancellable,
                                               confirm_done_cb, data);
  if (self->guard_dialog != NULL)
    g_object_add_weak_pointer (G_OBJECT (self->guard_dialog), (gpointer *) &self->guard_dialog);
}

static void
tw_risk_parameters_dialog_dispose (GObject *object)
{
  TwRiskParametersDialog *self = TW_RISK_PARAMETERS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->guard_dialog);
  g_clear_pointer (&self->rows, g_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_RISK_PARAMETERS_DIALOG);
  g_clear_object (&self->parameters);
  g_clear_object (&self->runner);

  G_OBJECT_CLASS (tw_risk_parameters_dialog_parent_class)->dispose (object);
}

static void
tw_risk_parameters_dialog_finalize (GObject *object)
{
  TwRiskParametersDialog *self = TW_RISK_PARAMETERS_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->service_id);
  g_free (self->service_name);
  g_free (self->error);

  G_OBJECT_CLASS (tw_risk_parameters_dialog_parent_class)->finalize (object);
}

static void
tw_risk_parameters_dialog_class_init (TwRiskParametersDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_risk_parameters_dialog_dispose;
  object_class->finalize = tw_risk_parameters_dialog_finalize;

  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-risk-parameters-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TwRiskParametersDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, TwRiskParametersDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, TwRiskParametersDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, TwRiskParametersDialog, group);

  gtk_widget_class_install_action (widget_class, "risk-parameters.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tw_risk_parameters_dialog_init (TwRiskParametersDialog *self)
{
  self->rows = g_array_new (FALSE, TRUE, sizeof (ParamRow));
  g_array_set_clear_func (self->rows, (GDestroyNotify) param_row_clear);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tw_risk_parameters_dialog_new (GtkWindow        *parent,
                               TwRiskParameters *parameters,
                               TwActionRunner   *runner,
                               const char       *service_id)
{
  TwRiskParametersDialog *self;
  TwService *service;
  const char *name;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TW_IS_RISK_PARAMETERS (parameters), NULL);
  g_return_val_if_fail (TW_IS_ACTION_RUNNER (runner), NULL);
  g_return_val_if_fail (service_id != NULL, NULL);

  self = g_object_new (TW_TYPE_RISK_PARAMETERS_DIALOG, "transient-for", parent, NULL);
  self->parameters = g_object_ref (parameters);
  self->runner = g_object_ref (runner);
  self->service_id = g_strdup (service_id);
  service = tw_client_get_service (tw_risk_parameters_get_client (parameters));
  name = service != NULL ? tw_service_get_name (service) : NULL;
  self->service_name = g_strdup (name != NULL ? name : service_id);

  /* Translators: the title of the risk parameters window; %s is a service's name */
  {
    g_autofree char *title = g_strdup_printf (_("%s Risk Parameters"), self->service_name);

    gtk_window_set_title (GTK_WINDOW (self), title);
  }
  add_rows (self);
  update (self);
  return GTK_WIDGET (self);
}

static ParamRow *
find_row (TwRiskParametersDialog *self,
          const char             *key)
{
  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    {
      ParamRow *row = &g_array_index (self->rows, ParamRow, i);

      if (g_strcmp0 (tw_risk_parameter_get_key (row->param), key) == 0)
        return row;
    }
  return NULL;
}

gboolean
tw_risk_parameters_dialog_set_value (TwRiskParametersDialog *self,
                                     const char             *key,
                                     double                  value)
{
  ParamRow *row;

  g_return_val_if_fail (TW_IS_RISK_PARAMETERS_DIALOG (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  row = find_row (self, key);
  if (row == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (row->spin)))
    return FALSE;
  gtk_spin_button_set_value (row->spin, value);
  return TRUE;
}

const char *
tw_risk_parameters_dialog_get_row_subtitle (TwRiskParametersDialog *self,
                                            const char             *key)
{
  ParamRow *row;

  g_return_val_if_fail (TW_IS_RISK_PARAMETERS_DIALOG (self), NULL);

  row = find_row (self, key);
  return row != NULL ? row->subtitle : NULL;
}

gboolean
tw_risk_parameters_dialog_get_can_save (TwRiskParametersDialog *self)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETERS_DIALOG (self), FALSE);

  return self->can_save;
}

gboolean
tw_risk_parameters_dialog_get_busy (TwRiskParametersDialog *self)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETERS_DIALOG (self), FALSE);

  return self->busy;
}

GtkWidget *
tw_risk_parameters_dialog_get_guard_dialog (TwRiskParametersDialog *self)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETERS_DIALOG (self), NULL);

  return self->guard_dialog;
}

const char *
tw_risk_parameters_dialog_get_error (TwRiskParametersDialog *self)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETERS_DIALOG (self), NULL);

  return self->error;
}
