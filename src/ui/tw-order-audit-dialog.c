/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tw-order-audit-dialog.h"
#include "tw-ui-util.h"

struct _TwOrderAuditDialog
{
  AdwWindow         parent_instance;

  TwServiceDetails *details;
  char             *correlation_id;
  GCancellable     *cancellable;
  char             *error;
  char             *note;

  AdwWindowTitle   *title;
  GtkStack         *stack;
  GtkListBox       *list;
  GtkLabel         *error_label;
  GtkLabel         *note_label;
  GtkLabel         *empty_label;
  GtkWidget        *logs_button;
};

G_DEFINE_FINAL_TYPE (TwOrderAuditDialog, tw_order_audit_dialog, ADW_TYPE_WINDOW)

static void
clear_rows (TwOrderAuditDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
}

static GtkWidget *
entry_row (TwDetailItem *entry)
{
  const char *type = tw_detail_item_get_string (entry, "type");
  const char *details = tw_detail_item_get_string (entry, "message");
  const char *time_text = tw_detail_item_get_string (entry, "time");
  g_autoptr(GDateTime) when = time_text != NULL ? g_date_time_new_from_iso8601 (time_text, NULL) : NULL;
  g_autofree char *shown_time = when != NULL ? tw_ui_format_time (when) : g_strdup (time_text);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *time_label;

  /* What the service sent is shown as text, never as markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), type != NULL && *type != '\0' ? type : _("(no event name)"));
  if (details != NULL && *details != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), details);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  gtk_widget_add_css_class (row, "property");

  time_label = gtk_label_new (shown_time != NULL ? shown_time : _("no time"));
  gtk_widget_add_css_class (time_label, "numeric");
  gtk_widget_add_css_class (time_label, "dim-label");
  gtk_widget_set_valign (time_label, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), time_label);
  g_object_set_data_full (G_OBJECT (row), "tw-time", g_strdup (gtk_label_get_text (GTK_LABEL (time_label))), g_free);
  return row;
}

static void
set_note (TwOrderAuditDialog *self,
          guint               n_left_out)
{
  g_clear_pointer (&self->note, g_free);
  if (n_left_out > 0)
    self->note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%u entry of the answer is not shown: not an entry of "
                                               "this order, not readable, or beyond the newest %u.",
                                               "%u entries of the answer are not shown: not entries of "
                                               "this order, not readable, or beyond the newest %u.",
                                               n_left_out),
                                  n_left_out, (guint) TW_AUDIT_TRAIL_MAX_ENTRIES);
  gtk_label_set_text (self->note_label, self->note != NULL ? self->note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), self->note != NULL);
}

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TwOrderAuditDialog *self = user_data;  /* not held: a destroyed dialog cancels its read */
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) entries = NULL;
  guint n_left_out = 0;
  guint n;

  /* A cancelled read (a reload, a closed dialog) answers cancelled, whatever came. */
  entries = tw_service_details_read_audit_finish (TW_SERVICE_DETAILS (source), result, &n_left_out, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  clear_rows (self);
  g_clear_pointer (&self->error, g_free);

  if (entries == NULL)
    {
      self->error = g_strdup (error->message);
      gtk_label_set_text (self->error_label, self->error);
      set_note (self, 0);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  n = g_list_model_get_n_items (entries);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwDetailItem) entry = g_list_model_get_item (entries, i);

      gtk_list_box_append (self->list, entry_row (entry));
    }
  set_note (self, n_left_out);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "entries" : "empty");
}

void
tw_order_audit_dialog_reload (TwOrderAuditDialog *self)
{
  g_return_if_fail (TW_IS_ORDER_AUDIT_DIALOG (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->stack, "loading");
  tw_service_details_read_audit_async (self->details, self->correlation_id, self->cancellable,
                                       read_done_cb, self);
}

static void
retry_clicked_cb (GtkButton          *button,
                  TwOrderAuditDialog *self)
{
  tw_order_audit_dialog_reload (self);
}

static void
tw_order_audit_dialog_dispose (GObject *object)
{
  TwOrderAuditDialog *self = TW_ORDER_AUDIT_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->details);

  G_OBJECT_CLASS (tw_order_audit_dialog_parent_class)->dispose (object);
}

static void
tw_order_audit_dialog_finalize (GObject *object)
{
  TwOrderAuditDialog *self = TW_ORDER_AUDIT_DIALOG (object);

  g_free (self->correlation_id);
  g_free (self->error);
  g_free (self->note);

  G_OBJECT_CLASS (tw_order_audit_dialog_parent_class)->finalize (object);
}

static void
tw_order_audit_dialog_class_init (TwOrderAuditDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_order_audit_dialog_dispose;
  object_class->finalize = tw_order_audit_dialog_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void logs_clicked_cb (GtkButton          *button,
                             TwOrderAuditDialog *self);

static GtkWidget *
centered_label (const char *text,
                const char *style)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  return label;
}

static void
tw_order_audit_dialog_init (TwOrderAuditDialog *self)
{
  GtkWidget *box, *header, *scrolled, *clamp, *content, *page, *spinner, *button, *logs;

  gtk_window_set_default_size (GTK_WINDOW (self), 620, 520);
  gtk_window_set_title (GTK_WINDOW (self), _("Audit Trail"));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  self->title = ADW_WINDOW_TITLE (adw_window_title_new (_("Audit Trail"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->title));
  button = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_tooltip_text (button, _("Read the audit trail again"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Read the audit trail again"), -1);
  g_signal_connect (button, "clicked", G_CALLBACK (retry_clicked_cb), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), button);
  gtk_box_append (GTK_BOX (box), header);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 720);
  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (content, 18);
  gtk_widget_set_margin_bottom (content, 18);
  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_vhomogeneous (self->stack, FALSE);

  page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_valign (page, GTK_ALIGN_CENTER);
  spinner = gtk_spinner_new ();
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_box_append (GTK_BOX (page), spinner);
  gtk_box_append (GTK_BOX (page), centered_label (_("Reading the audit trail…"), "dim-label"));
  gtk_stack_add_named (self->stack, page, "loading");

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Audit trail entries, oldest first"), -1);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->list), "entries");

  self->empty_label = GTK_LABEL (centered_label (_("The audit store has no entries for this order."), "dim-label"));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty_label), "empty");

  page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (page), centered_label (_("The audit trail could not be read"), "heading"));
  self->error_label = GTK_LABEL (centered_label ("", "error"));
  gtk_box_append (GTK_BOX (page), GTK_WIDGET (self->error_label));
  button = gtk_button_new_with_mnemonic (_("_Try Again"));
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "pill");
  g_signal_connect (button, "clicked", G_CALLBACK (retry_clicked_cb), self);
  gtk_box_append (GTK_BOX (page), button);
  gtk_stack_add_named (self->stack, page, "error");
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->stack));

  self->note_label = GTK_LABEL (centered_label ("", "dim-label"));
  gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "caption");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), FALSE);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->note_label));

  /* The same id in the logs: what the services wrote beside the audit store. */
  logs = gtk_button_new_with_mnemonic (_("Show _Log Lines"));
  gtk_widget_set_halign (logs, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (logs, _("Show the log lines with this correlation ID"));
  g_signal_connect (logs, "clicked", G_CALLBACK (logs_clicked_cb), self);
  self->logs_button = logs;
  gtk_box_append (GTK_BOX (content), logs);

  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (self), box);
}

/* The main window's action, reached through the window the dialog belongs to; the
 * dialog closes to show the Logs page. */
static void
logs_clicked_cb (GtkButton          *button,
                 TwOrderAuditDialog *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.show-logs-for-correlation", "s",
                                self->correlation_id);
  gtk_window_destroy (GTK_WINDOW (self));
}

GtkWidget *
tw_order_audit_dialog_new (GtkWindow        *parent,
                           TwServiceDetails *details,
                           const char       *correlation_id)
{
  TwOrderAuditDialog *self;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (details), NULL);
  g_return_val_if_fail (correlation_id != NULL, NULL);

  self = g_object_new (TW_TYPE_ORDER_AUDIT_DIALOG, "modal", parent != NULL,
                       "transient-for", parent, NULL);
  self->details = g_object_ref (details);
  self->correlation_id = g_strdup (correlation_id);
  /* Translators: the audit trail window's subtitle: a correlation ID (an order's id) */
  subtitle = g_strdup_printf (_("Correlation ID %s"), correlation_id);
  adw_window_title_set_subtitle (self->title, subtitle);
  gtk_widget_set_visible (self->logs_button, parent != NULL);
  tw_order_audit_dialog_reload (self);
  return GTK_WIDGET (self);
}

const char *
tw_order_audit_dialog_get_correlation_id (TwOrderAuditDialog *self)
{
  g_return_val_if_fail (TW_IS_ORDER_AUDIT_DIALOG (self), NULL);
  return self->correlation_id;
}

gboolean
tw_order_audit_dialog_is_loading (TwOrderAuditDialog *self)
{
  g_return_val_if_fail (TW_IS_ORDER_AUDIT_DIALOG (self), FALSE);
  return self->cancellable != NULL;
}

guint
tw_order_audit_dialog_get_n_entries (TwOrderAuditDialog *self)
{
  guint n = 0;

  g_return_val_if_fail (TW_IS_ORDER_AUDIT_DIALOG (self), 0);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

static GtkWidget *
row_at (TwOrderAuditDialog *self,
        guint               i)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);

  return row != NULL ? GTK_WIDGET (row) : NULL;
}

const char *
tw_order_audit_dialog_get_entry_event (TwOrderAuditDialog *self,
                                       guint               i)
{
  GtkWidget *row = row_at (self, i);

  return row != NULL ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)) : NULL;
}

const char *
tw_order_audit_dialog_get_entry_details (TwOrderAuditDialog *self,
                                         guint               i)
{
  GtkWidget *row = row_at (self, i);

  return row != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : NULL;
}

const char *
tw_order_audit_dialog_get_entry_time (TwOrderAuditDialog *self,
                                      guint               i)
{
  GtkWidget *row = row_at (self, i);

  return row != NULL ? g_object_get_data (G_OBJECT (row), "tw-time") : NULL;
}

const char *
tw_order_audit_dialog_get_error (TwOrderAuditDialog *self)
{
  g_return_val_if_fail (TW_IS_ORDER_AUDIT_DIALOG (self), NULL);
  return self->error;
}

const char *
tw_order_audit_dialog_get_note (TwOrderAuditDialog *self)
{
  g_return_val_if_fail (TW_IS_ORDER_AUDIT_DIALOG (self), NULL);
  return self->note;
}

GtkWidget *
tw_order_audit_dialog_get_logs_button (TwOrderAuditDialog *self)
{
  g_return_val_if_fail (TW_IS_ORDER_AUDIT_DIALOG (self), NULL);
  return self->logs_button;
}
