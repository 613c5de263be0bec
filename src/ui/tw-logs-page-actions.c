/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Logs page's actions: next / previous match, copy, open the folder, cancel a
 * filter, show the new lines, a correlation id's lines, an alert's line, and the
 * incident snapshot. */
#include "config.h"

#include <glib/gi18n.h>

#include "tw-incident-snapshot.h"
#include "tw-logs-page-private.h"
#include "tw-window.h"

/* Actions */

static guint
first_selected (TwLogsPage *self)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

  return gtk_bitset_is_empty (set) ? GTK_INVALID_LIST_POSITION : gtk_bitset_get_minimum (set);
}

static void
select_and_show (TwLogsPage *self,
                 guint       position)
{
  _tw_logs_page_set_follow (self, FALSE);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  self->scrolling = TRUE;
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  self->scrolling = FALSE;
}

static void
move_match (TwLogsPage *self,
            int         step)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint current = first_selected (self);
  guint next;

  if (n == 0)
    return;
  if (current == GTK_INVALID_LIST_POSITION)
    next = step > 0 ? 0 : n - 1;
  else if (step > 0)
    next = current + 1 < n ? current + 1 : current;
  else
    next = current > 0 ? current - 1 : 0;
  select_and_show (self, next);
}

static void
next_match_action (GtkWidget *widget, const char *name, GVariant *param)
{
  move_match (TW_LOGS_PAGE (widget), 1);
}

static void
previous_match_action (GtkWidget *widget, const char *name, GVariant *param)
{
  move_match (TW_LOGS_PAGE (widget), -1);
}

char *
_tw_logs_page_dup_selected_text (TwLogsPage *self)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GString *text = g_string_new (NULL);
  GtkBitsetIter iter;
  guint position;

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(TwLogLine) line = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

      if (line != NULL)
        g_string_append_printf (text, "%s: %s\n", tw_log_line_get_source_id (line), tw_log_line_get_text (line));
    }
  return g_string_free (text, FALSE);
}

static void
copy_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TwLogsPage *self = TW_LOGS_PAGE (widget);
  g_autofree char *text = _tw_logs_page_dup_selected_text (self);

  if (*text != '\0')
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

static void
open_folder_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TwLogsPage *self = TW_LOGS_PAGE (widget);
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;

  if (_tw_logs_page_first_file_source (self) == NULL)
    return;
  path = tw_log_source_dup_current_path (_tw_logs_page_first_file_source (self));
  dir = g_path_get_dirname (path);
  file = g_file_new_for_path (dir);
  uri = g_file_get_uri (file);
  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, NULL, NULL);
}

static void
cancel_filter_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TwLogsPage *self = TW_LOGS_PAGE (widget);

  if (self->view != NULL)
    tw_log_view_cancel (self->view);
}

static void
show_new_action (GtkWidget *widget, const char *name, GVariant *param)
{
  _tw_logs_page_set_follow (TW_LOGS_PAGE (widget), TRUE);
}

static void
filter_id_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TwLogsPage *self = TW_LOGS_PAGE (widget);

  /* Every source of the profile, merged by time, to that id. */
  gtk_editable_set_text (GTK_EDITABLE (self->id_entry), g_variant_get_string (param, NULL));
  gtk_drop_down_set_selected (self->source_dropdown, 0);
  _tw_logs_page_apply_filters (self);
}

static void
show_line_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TwLogsPage *self = TW_LOGS_PAGE (widget);
  const char *source_id;
  guint row, position;

  g_variant_get (param, "(&su)", &source_id, &row);
  if (self->view == NULL)
    return;
  position = tw_log_view_find (self->view, source_id, row);
  if (position == G_MAXUINT && self->logs != NULL)
    {
      GListModel *sources = tw_logs_get_sources (self->logs);

      /* Not shown under the filters: that source alone, unfiltered. */
      gtk_drop_down_set_selected (self->level_dropdown, 0);
      gtk_editable_set_text (GTK_EDITABLE (self->text_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->regex_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->id_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->to_entry), "");
      for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
        {
          g_autoptr(TwLogSource) source = g_list_model_get_item (sources, i);
          if (g_strcmp0 (tw_log_source_get_id (source), source_id) == 0)
            gtk_drop_down_set_selected (self->source_dropdown, i + 1);
        }
      _tw_logs_page_apply_filters (self);
      position = tw_log_view_find (self->view, source_id, row);
    }
  if (position != G_MAXUINT)
    select_and_show (self, position);
}

/* Incident snapshot */

static void
snapshot_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TwLogsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *window;
  const char *path = self->snapshot_path;

  if (!tw_incident_snapshot_write_finish (TW_SESSION (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_free (self->snapshot_result);
      self->snapshot_result = g_strdup_printf (_("The incident snapshot was not written: %s"), error->message);
    }
  else
    {
      g_free (self->snapshot_result);
      self->snapshot_result = g_strdup_printf (_("Incident snapshot written to %s"), path);
    }
  window = gtk_widget_get_ancestor (GTK_WIDGET (self), TW_TYPE_WINDOW);
  if (window != NULL)
    tw_window_add_toast (TW_WINDOW (window), adw_toast_new (self->snapshot_result));
}

void
_tw_logs_page_write_snapshot (TwLogsPage *self,
                              GFile      *file)
{
  if (self->session == NULL)
    return;
  g_clear_pointer (&self->snapshot_result, g_free);
  g_free (self->snapshot_path);
  self->snapshot_path = g_file_get_parse_name (file);
  tw_incident_snapshot_write_async (self->session, file, self->cancellable, snapshot_done_cb,
                                    g_object_ref (self));
}

const char *
_tw_logs_page_get_snapshot_result (TwLogsPage *self)
{
  return self->snapshot_result;
}

static void
snapshot_response_cb (GtkNativeDialog *dialog,
                      int              response,
                      TwLogsPage      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        _tw_logs_page_write_snapshot (self, file);
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
snapshot_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TwLogsPage *self = TW_LOGS_PAGE (widget);
  GtkFileChooserNative *dialog;
  g_autofree char *default_name = tw_incident_snapshot_default_name ();

  if (self->session == NULL)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_file_chooser_native_new (_("Save Incident Snapshot"),
                                        GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), default_name);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (snapshot_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
_tw_logs_page_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "logs.next-match", NULL, next_match_action);
  gtk_widget_class_install_action (widget_class, "logs.previous-match", NULL, previous_match_action);
  gtk_widget_class_install_action (widget_class, "logs.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "logs.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "logs.cancel-filter", NULL, cancel_filter_action);
  gtk_widget_class_install_action (widget_class, "logs.show-new", NULL, show_new_action);
  gtk_widget_class_install_action (widget_class, "logs.filter-id", "s", filter_id_action);
  gtk_widget_class_install_action (widget_class, "logs.show-line", "(su)", show_line_action);
  gtk_widget_class_install_action (widget_class, "logs.snapshot", NULL, snapshot_action);
}
