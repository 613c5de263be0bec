/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-flatten-dialog.h"
#include "tw-flatten-dialog-private.h"

#include <glib/gi18n.h>

#include "tw-error.h"
#include "tw-ui-util.h"

struct _TwFlattenDialog
{
  AdwMessageDialog  parent_instance;

  TwFlatten        *flatten;
  GCancellable     *cancellable;
  gboolean          started;
  gboolean          finished;
  char             *result_text;

  GtkListBox       *steps_list;
  GtkWidget        *result_box;
  GtkImage         *result_image;
  GtkLabel         *result_label;
};

G_DEFINE_FINAL_TYPE (TwFlattenDialog, tw_flatten_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
state_word (TwFlattenStepState state)
{
  switch (state)
    {
    case TW_FLATTEN_STEP_RUNNING:
      return _("Running");
    case TW_FLATTEN_STEP_OK:
      return _("Done");
    case TW_FLATTEN_STEP_PARTIAL:
      return _("Partly done");
    case TW_FLATTEN_STEP_FAILED:
      return _("Failed");
    case TW_FLATTEN_STEP_SKIPPED:
      return _("Skipped");
    case TW_FLATTEN_STEP_PENDING:
    default:
      return _("Pending");
    }
}

static const char *
state_icon (TwFlattenStepState state)
{
  switch (state)
    {
    case TW_FLATTEN_STEP_RUNNING:
      return "content-loading-symbolic";
    case TW_FLATTEN_STEP_OK:
      return "emblem-ok-symbolic";
    case TW_FLATTEN_STEP_PARTIAL:
      return "dialog-warning-symbolic";
    case TW_FLATTEN_STEP_FAILED:
      return "dialog-error-symbolic";
    case TW_FLATTEN_STEP_SKIPPED:
      return "dialog-warning-symbolic";
    case TW_FLATTEN_STEP_PENDING:
    default:
      return "media-record-symbolic";
    }
}

static const char *
state_style (TwFlattenStepState state)
{
  switch (state)
    {
    case TW_FLATTEN_STEP_OK:
      return "success";
    case TW_FLATTEN_STEP_PARTIAL:
    case TW_FLATTEN_STEP_SKIPPED:
      return "warning";
    case TW_FLATTEN_STEP_FAILED:
      return "error";
    default:
      return NULL;
    }
}

/* The summary; with refusals the audit log's own lines, one a line: "Not all closed: 5 of
 * 6 closed", then "TSLA refused: held for orders — …" per refused symbol or order. */
static char *
step_detail (TwFlattenStep *step)
{
  TwMultiStatus *result = tw_flatten_step_get_result (step);
  g_auto(GStrv) lines = NULL;

  if (result == NULL || tw_multi_status_get_n_failed (result) == 0)
    return g_strdup (tw_flatten_step_get_summary (step));
  lines = tw_multi_status_dup_lines (result);
  return g_strjoinv ("\n", lines);
}

static void
update_row (GtkWidget     *row,
            TwFlattenStep *step)
{
  AdwActionRow *action_row = ADW_ACTION_ROW (row);
  GtkImage *image = g_object_get_data (G_OBJECT (row), "tw-image");
  GtkLabel *word = g_object_get_data (G_OBJECT (row), "tw-word");
  TwFlattenStepState state = tw_flatten_step_get_state (step);
  g_autofree char *detail = step_detail (step);

  gtk_image_set_from_icon_name (image, state_icon (state));
  gtk_label_set_text (word, state_word (state));
  tw_ui_set_status_style (GTK_WIDGET (image), state_style (state));
  tw_ui_set_status_style (GTK_WIDGET (word), state_style (state));
  adw_action_row_set_subtitle (action_row, detail);
}

static void
step_notify_cb (TwFlattenStep *step,
                GParamSpec    *pspec,
                GtkWidget     *row)
{
  update_row (row, step);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  TwFlattenStep *step = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *image = gtk_image_new ();
  GtkWidget *word = gtk_label_new (NULL);
  guint *index = user_data;
  g_autofree char *title = NULL;

  /* Translators: a flatten step with its number, e.g. "1. Suspend new orders" */
  title = g_strdup_printf (_("%u. %s"), ++*index, _(tw_flatten_step_get_title (step)));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_widget_set_valign (image, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (word, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), word);
  g_object_set_data (G_OBJECT (row), "tw-image", image);
  g_object_set_data (G_OBJECT (row), "tw-word", word);
  g_signal_connect_object (step, "notify", G_CALLBACK (step_notify_cb), row, 0);
  update_row (row, step);
  return row;
}

static void
set_running (TwFlattenDialog *self,
             gboolean         running)
{
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "close", !running);
  gtk_window_set_deletable (GTK_WINDOW (self), !running);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TwFlattenDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  const char *text;

  ok = tw_flatten_run_finish (TW_FLATTEN (object), result, &error);
  self->finished = TRUE;
  set_running (self, FALSE);

  text = tw_flatten_get_result (self->flatten);
  if (text == NULL)
    text = ok ? _("Flattened: nothing is left open") : error->message;
  g_free (self->result_text);
  self->result_text = g_strdup (text);

  gtk_label_set_text (self->result_label, self->result_text);
  gtk_image_set_from_icon_name (self->result_image, ok ? "emblem-ok-symbolic" : "dialog-error-symbolic");
  tw_ui_set_status_style (GTK_WIDGET (self->result_image), ok ? "success" : "error");
  tw_ui_set_status_style (GTK_WIDGET (self->result_label), ok ? NULL : "error");
  gtk_widget_set_visible (self->result_box, TRUE);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self),
                                  ok ? _("Account Flattened")
                                  : g_error_matches (error, TW_ERROR, TW_ERROR_CONFLICT)
                                  ? _("Flatten Incomplete: Positions Left Open")
                                  : _("Flatten Failed"));
  g_signal_emit (self, signals[FINISHED], 0, ok, self->result_text);
}

static gboolean
tw_flatten_dialog_close_request (GtkWindow *window)
{
  TwFlattenDialog *self = TW_FLATTEN_DIALOG (window);

  /* Not mid-way: the operator must see how it ended. */
  if (self->started && !self->finished)
    return TRUE;
  return GTK_WINDOW_CLASS (tw_flatten_dialog_parent_class)->close_request (window);
}

static void
tw_flatten_dialog_dispose (GObject *object)
{
  TwFlattenDialog *self = TW_FLATTEN_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_FLATTEN_DIALOG);
  g_clear_object (&self->flatten);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (tw_flatten_dialog_parent_class)->dispose (object);
}

static void
tw_flatten_dialog_finalize (GObject *object)
{
  TwFlattenDialog *self = TW_FLATTEN_DIALOG (object);

  g_free (self->result_text);

  G_OBJECT_CLASS (tw_flatten_dialog_parent_class)->finalize (object);
}

static void
tw_flatten_dialog_class_init (TwFlattenDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tw_flatten_dialog_dispose;
  object_class->finalize = tw_flatten_dialog_finalize;
  window_class->close_request = tw_flatten_dialog_close_request;

  /**
   * TwFlattenDialog::finished:
   * @ok: TRUE when every step succeeded and nothing is left open
   * @result: the final result, naming what is left open
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-flatten-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TwFlattenDialog, steps_list);
  gtk_widget_class_bind_template_child (widget_class, TwFlattenDialog, result_box);
  gtk_widget_class_bind_template_child (widget_class, TwFlattenDialog, result_image);
  gtk_widget_class_bind_template_child (widget_class, TwFlattenDialog, result_label);
}

static void
tw_flatten_dialog_init (TwFlattenDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
tw_flatten_dialog_new (GtkWindow  *parent,
                       TwFlatten  *flatten,
                       const char *service_name)
{
  TwFlattenDialog *self;
  g_autofree char *heading = NULL;
  guint *index;

  g_return_val_if_fail (TW_IS_FLATTEN (flatten), NULL);

  self = g_object_new (TW_TYPE_FLATTEN_DIALOG, "transient-for", parent, NULL);
  self->flatten = g_object_ref (flatten);
  /* Translators: %s is a broker service's name */
  heading = g_strdup_printf (_("Flattening %s"), service_name);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self),
                               _("In the safe order: no new orders, then no open orders, then no positions. Each step’s result shows here; the dialog stays open until the last step has answered."));
  index = g_new0 (guint, 1);
  gtk_list_box_bind_model (self->steps_list, tw_flatten_get_steps (flatten), create_row_cb, index, g_free);
  return GTK_WIDGET (self);
}

void
tw_flatten_dialog_run (TwFlattenDialog *self)
{
  g_return_if_fail (TW_IS_FLATTEN_DIALOG (self));

  if (self->started)
    return;
  self->started = TRUE;
  set_running (self, TRUE);
  tw_flatten_run_async (self->flatten, self->cancellable, run_done_cb, g_object_ref (self));
}

gboolean
tw_flatten_dialog_get_running (TwFlattenDialog *self)
{
  g_return_val_if_fail (TW_IS_FLATTEN_DIALOG (self), FALSE);

  return self->started && !self->finished;
}

gboolean
tw_flatten_dialog_get_finished (TwFlattenDialog *self)
{
  g_return_val_if_fail (TW_IS_FLATTEN_DIALOG (self), FALSE);

  return self->finished;
}

const char *
tw_flatten_dialog_get_step_state (TwFlattenDialog *self,
                                  guint            i)
{
  g_autoptr(TwFlattenStep) step = NULL;

  g_return_val_if_fail (TW_IS_FLATTEN_DIALOG (self), NULL);

  step = g_list_model_get_item (tw_flatten_get_steps (self->flatten), i);
  return step != NULL ? state_word (tw_flatten_step_get_state (step)) : NULL;
}

char *
tw_flatten_dialog_dup_step_detail (TwFlattenDialog *self,
                                   guint            i)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (TW_IS_FLATTEN_DIALOG (self), NULL);

  /* What the row shows, not the model: the test reads the screen. */
  row = gtk_list_box_get_row_at_index (self->steps_list, i);
  if (row == NULL)
    return NULL;
  return g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
}

const char *
tw_flatten_dialog_get_result_text (TwFlattenDialog *self)
{
  g_return_val_if_fail (TW_IS_FLATTEN_DIALOG (self), NULL);

  return self->result_text;
}
