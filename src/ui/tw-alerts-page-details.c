/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alerts-page-private.h"

#include <glib/gi18n.h>

/* The Alerts page's details pane and its actions: labels, annotations, the runbook;
 * Acknowledge (a note and a duration), Unacknowledge, the guarded Silence dialog with
 * its editable matchers, Halt trading. */

static GtkWidget *
add_label (GtkBox     *box,
           const char *text,
           const char *style)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  gtk_box_append (box, label);
  return label;
}

static void
add_map (GtkBox     *box,
         const char *heading,
         GHashTable *map)
{
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (map), (GCompareFunc) g_strcmp0);
  GtkWidget *grid;
  int row = 0;

  if (keys == NULL)
    return;
  add_label (box, heading, "heading");
  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  for (GList *l = keys; l != NULL; l = l->next, row++)
    {
      GtkWidget *name = gtk_label_new (l->data);
      GtkWidget *value = gtk_label_new (g_hash_table_lookup (map, l->data));

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_yalign (GTK_LABEL (name), 0);
      gtk_widget_add_css_class (name, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (value), 32);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_widget_set_hexpand (value, TRUE);
      gtk_grid_attach (GTK_GRID (grid), name, 0, row, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value, 1, row, 1, 1);
    }
  gtk_box_append (box, grid);
}


static void
runbook_clicked_cb (GtkButton    *button,
                    TwAlertsPage *self)
{
  TwAlertItem *item = _tw_alerts_page_selected_item (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (item == NULL || tw_alert_item_get_runbook_url (item) == NULL)
    return;
  /* GTK 4.8's URI launcher: the portal or the desktop's default browser */
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, tw_alert_item_get_runbook_url (item),
                GDK_CURRENT_TIME);
}

static void
halt_clicked_cb (GtkButton    *button,
                 TwAlertsPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "app.halt", NULL);
}

static GtkWidget *
action_button (GtkWidget  *box,
               const char *label,
               const char *style,
               GCallback   callback,
               gpointer    data)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  if (style != NULL)
    gtk_widget_add_css_class (button, style);
  g_signal_connect (button, "clicked", callback, data);
  gtk_flow_box_insert (GTK_FLOW_BOX (box), button, -1);
  return button;
}

/* A time of the acknowledgement line: the clock time alone on @now's day, else with
 * its date. */
static char *
format_ack_time (GDateTime *time,
                 GDateTime *now)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);
  g_autoptr(GDateTime) local_now = g_date_time_to_local (now);
  int y, m, d, ny, nm, nd;

  g_date_time_get_ymd (local, &y, &m, &d);
  g_date_time_get_ymd (local_now, &ny, &nm, &nd);
  if (y == ny && m == nm && d == nd)
    return g_date_time_format (local, "%H:%M");
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

char *
_tw_alerts_page_format_ack_line (const char *by,
                                 GDateTime  *at,
                                 GDateTime  *until,
                                 GDateTime  *now)
{
  g_autofree char *at_text = at != NULL ? format_ack_time (at, now) : g_strdup ("—");

  if (until == NULL)
    /* TRANSLATORS: %1$s is a user name, %2$s when they acknowledged the alert ("07:18",
     * or "2026-12-05 07:18" on another day) */
    return g_strdup_printf (_("Acknowledged by %1$s at %2$s, until it resolves"),
                            by != NULL ? by : "?", at_text);
  {
    g_autofree char *until_text = format_ack_time (until, now);

    /* TRANSLATORS: %1$s is a user name, %2$s when they acknowledged the alert, %3$s when
     * the acknowledgement ends ("07:18", or "2026-12-07 07:18" on another day) */
    return g_strdup_printf (_("Acknowledged by %1$s at %2$s, until %3$s"),
                            by != NULL ? by : "?", at_text, until_text);
  }
}

void
_tw_alerts_page_show_details (TwAlertsPage *self)
{
  TwAlertItem *item = _tw_alerts_page_selected_item (self);
  GtkWidget *child;
  GtkBox *box = self->details;
  GtkWidget *buttons;
  g_autofree char *state = NULL;
  g_autofree char *since = NULL;
  g_autofree char *sources = NULL;
  g_autofree char *meta = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
  g_clear_pointer (&self->details_title, g_free);
  g_clear_pointer (&self->details_state, g_free);
  g_clear_pointer (&self->details_ack, g_free);

  if (item == NULL)
    {
      add_label (box, _("Select an alert to see its labels, annotations and runbook."), "dim-label");
      return;
    }

  self->details_title = g_strdup (tw_alert_item_get_name (item));
  state = _tw_alerts_page_state_text (item);
  self->details_state = g_strdup (state);
  since = _tw_alerts_page_format_time (tw_alert_item_get_starts_at (item));
  sources = tw_alert_item_format_sources (item);
  add_label (box, tw_alert_item_get_name (item), "title-2");
  _tw_alerts_page_set_style (add_label (box, state, "heading"), _tw_alerts_page_state_style (item));
  /* TRANSLATORS: severity · since TIME · from SOURCES */
  meta = g_strdup_printf (_("%s · since %s · from %s"), _tw_alerts_page_severity_name (tw_alert_item_get_severity (item)),
                          since, sources);
  add_label (box, meta, "dim-label");

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 2);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (buttons), 2);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), TRUE);
  gtk_widget_set_margin_top (buttons, 6);
  if (!tw_alert_item_is_resolved (item))
    {
      if (tw_alert_item_is_acknowledged (item))
        action_button (buttons, _("_Unacknowledge"), NULL, G_CALLBACK (_tw_alerts_page_unack_clicked), self);
      else
        action_button (buttons, _("_Acknowledge…"), "suggested-action", G_CALLBACK (_tw_alerts_page_ack_clicked), self);
      if (tw_alert_item_get_source_kind (item) == TW_ALERT_SOURCE_ALERTMANAGER)
        action_button (buttons, _("_Silence…"), NULL, G_CALLBACK (_tw_alerts_page_silence_clicked), self);
    }
  if (tw_alert_item_get_runbook_url (item) != NULL)
    action_button (buttons, _("Open _Runbook"), NULL, G_CALLBACK (runbook_clicked_cb), self);
  if (tw_alert_item_get_offers_halt (item))
    action_button (buttons, _("_Halt Trading"), "destructive-action", G_CALLBACK (halt_clicked_cb), self);
  gtk_widget_set_sensitive (buttons, self->busy == 0);
  gtk_box_append (box, buttons);

  if (tw_alert_item_is_acknowledged (item))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *line = _tw_alerts_page_format_ack_line (tw_alert_item_get_acked_by (item),
                                                               tw_alert_item_get_acked_at (item),
                                                               tw_alert_item_get_ack_until (item), now);

      add_label (box, line, NULL);
      g_free (self->details_ack);
      self->details_ack = g_strdup (line);
      if (tw_alert_item_get_ack_note (item) != NULL)
        add_label (box, tw_alert_item_get_ack_note (item), "dim-label");
    }
  if (tw_alert_item_get_summary (item) != NULL)
    add_label (box, tw_alert_item_get_summary (item), NULL);
  if (tw_alert_item_get_description (item) != NULL)
    add_label (box, tw_alert_item_get_description (item), "dim-label");
  if (tw_alert_item_get_runbook_line (item) != NULL)
    add_label (box, tw_alert_item_get_runbook_line (item), "heading");
  add_map (box, _("Labels"), tw_alert_item_get_labels (item));
  add_map (box, _("Annotations"), tw_alert_item_get_annotations (item));
  if (self->last_error != NULL)
    _tw_alerts_page_set_style (add_label (box, self->last_error, NULL), "error");
}

/* Actions */

static void
action_done (TwAlertsPage *self,
             GError       *error)
{
  self->busy--;
  g_clear_pointer (&self->last_error, g_free);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->last_error = g_strdup (error->message);
  _tw_alerts_page_show_details (self);
}

static void
acked_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(TwAlertsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  tw_alerts_service_acknowledge_finish (TW_ALERTS_SERVICE (object), result, &error);
  action_done (self, error);
}

static void
unacked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TwAlertsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  tw_alerts_service_unacknowledge_finish (TW_ALERTS_SERVICE (object), result, &error);
  action_done (self, error);
}

static void
silenced_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TwAlertsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = tw_alerts_service_silence_finish (TW_ALERTS_SERVICE (object), result, &error);

  action_done (self, error);
}

static const guint ack_hours[] = { 0, 1, 4, 8, 24 };
static const guint silence_hours[] = { 1, 2, 4, 8, 24 };

static void
ack_response_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 TwAlertsPage     *self)
{
  GtkEditable *note = g_object_get_data (G_OBJECT (dialog), "tw-note");
  GtkDropDown *duration = g_object_get_data (G_OBJECT (dialog), "tw-duration");
  const char *key = g_object_get_data (G_OBJECT (dialog), "tw-key");

  if (g_strcmp0 (response, "ack") != 0 || self->alerts == NULL)
    return;
  self->busy++;
  tw_alerts_service_acknowledge_async (self->alerts, key, gtk_editable_get_text (note),
                                       ack_hours[gtk_drop_down_get_selected (duration)] * 3600, NULL,
                                       acked_cb, g_object_ref (self));
  _tw_alerts_page_show_details (self);
}

static AdwMessageDialog *
new_dialog (TwAlertsPage *self,
            const char   *heading,
            const char   *body,
            GtkWidget    *extra)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), extra);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  return ADW_MESSAGE_DIALOG (dialog);
}

void
_tw_alerts_page_ack_clicked (GtkButton    *button,
                             TwAlertsPage *self)
{
  TwAlertItem *item = _tw_alerts_page_selected_item (self);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *note = gtk_entry_new ();
  const char * const durations[] = { _("Until it resolves"), _("1 hour"), _("4 hours"), _("8 hours"),
                                     _("24 hours"), NULL };
  GtkWidget *duration = gtk_drop_down_new_from_strings (durations);
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (item == NULL)
    return;
  gtk_entry_set_placeholder_text (GTK_ENTRY (note), _("Note (what you are doing about it)"));
  gtk_box_append (GTK_BOX (box), note);
  gtk_accessible_update_property (GTK_ACCESSIBLE (duration), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Acknowledge for"), -1);
  gtk_box_append (GTK_BOX (box), duration);
  body = g_strdup_printf (_("As %s. Its notifications stop repeating; an Alertmanager alert is "
                            "silenced until it resolves or the time is up, at most 24 hours."),
                          g_get_user_name ());
  dialog = new_dialog (self, _("Acknowledge Alert"), body, box);
  adw_message_dialog_add_response (dialog, "ack", _("_Acknowledge"));
  adw_message_dialog_set_response_appearance (dialog, "ack", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "ack");
  g_object_set_data (G_OBJECT (dialog), "tw-note", note);
  g_object_set_data (G_OBJECT (dialog), "tw-duration", duration);
  g_object_set_data_full (G_OBJECT (dialog), "tw-key", g_strdup (tw_alert_item_get_key (item)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (ack_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_tw_alerts_page_unack_clicked (GtkButton    *button,
                               TwAlertsPage *self)
{
  TwAlertItem *item = _tw_alerts_page_selected_item (self);

  if (item == NULL || self->alerts == NULL)
    return;
  self->busy++;
  tw_alerts_service_unacknowledge_async (self->alerts, tw_alert_item_get_key (item), NULL,
                                         unacked_cb, g_object_ref (self));
  _tw_alerts_page_show_details (self);
}

/* "name=value" lines (or name=~regex, name!=value) → Alertmanager's matchers */
static char *
matchers_from_text (const char  *text,
                    GError     **error)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n = 0;

  json_builder_begin_array (builder);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      const char *ops[] = { "!=", "=~", "!~", "=" };
      char *at = NULL;
      guint op = 0;

      if (*line == '\0')
        continue;
      for (guint j = 0; j < G_N_ELEMENTS (ops) && at == NULL; j++)
        if ((at = strstr (line, ops[j])) != NULL)
          op = j;
      if (at == NULL || at == line)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Line “%s” is not a matcher: write name=value"), line);
          return NULL;
        }
      *at = '\0';
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, g_strstrip (line));
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, g_strstrip (at + strlen (ops[op])));
      json_builder_set_member_name (builder, "isRegex");
      json_builder_add_boolean_value (builder, op == 1 || op == 2);
      json_builder_set_member_name (builder, "isEqual");
      json_builder_add_boolean_value (builder, op == 1 || op == 3);
      json_builder_end_object (builder);
      n++;
    }
  json_builder_end_array (builder);
  if (n == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("A silence needs at least one matcher"));
      return NULL;
    }
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
silence_check (AdwMessageDialog *dialog)
{
  TwAlertItem *item = g_object_get_data (G_OBJECT (dialog), "tw-item");
  GtkEditable *reason = g_object_get_data (G_OBJECT (dialog), "tw-reason");
  GtkEditable *typed = g_object_get_data (G_OBJECT (dialog), "tw-typed");
  GtkDropDown *duration = g_object_get_data (G_OBJECT (dialog), "tw-duration");
  GtkLabel *problem = g_object_get_data (G_OBJECT (dialog), "tw-problem");
  guint seconds = silence_hours[gtk_drop_down_get_selected (duration)] * 3600;
  g_autofree char *refusal = tw_alerts_service_check_silence (item, seconds, gtk_editable_get_text (reason),
                                                              gtk_editable_get_text (typed));
  gboolean needs_name = tw_alert_item_get_severity (item) == TW_ALERT_CRITICAL
                        && seconds > TW_ALERTS_LONG_SILENCE_S;

  gtk_widget_set_visible (GTK_WIDGET (typed), needs_name);
  gtk_label_set_text (problem, refusal != NULL ? refusal : "");
  adw_message_dialog_set_response_enabled (dialog, "silence", refusal == NULL);
}

static void
silence_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     TwAlertsPage     *self)
{
  TwAlertItem *item = g_object_get_data (G_OBJECT (dialog), "tw-item");
  GtkEditable *reason = g_object_get_data (G_OBJECT (dialog), "tw-reason");
  GtkEditable *typed = g_object_get_data (G_OBJECT (dialog), "tw-typed");
  GtkDropDown *duration = g_object_get_data (G_OBJECT (dialog), "tw-duration");
  GtkTextBuffer *matchers = g_object_get_data (G_OBJECT (dialog), "tw-matchers");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  GtkTextIter start, end;

  if (g_strcmp0 (response, "silence") != 0 || self->alerts == NULL)
    return;
  gtk_text_buffer_get_bounds (matchers, &start, &end);
  text = gtk_text_buffer_get_text (matchers, &start, &end, FALSE);
  json = matchers_from_text (text, &error);
  self->busy++;
  if (json == NULL)
    {
      action_done (self, error);
      return;
    }
  tw_alerts_service_silence_async (self->alerts, tw_alert_item_get_key (item), json,
                                   silence_hours[gtk_drop_down_get_selected (duration)] * 3600,
                                   gtk_editable_get_text (reason), gtk_editable_get_text (typed),
                                   NULL, silenced_cb, g_object_ref (self));
  _tw_alerts_page_show_details (self);
}

AdwMessageDialog *
_tw_alerts_page_open_silence_dialog (TwAlertsPage *self)
{
  TwAlertItem *item = _tw_alerts_page_selected_item (self);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *matchers = gtk_text_view_new ();
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *reason = gtk_entry_new ();
  GtkWidget *typed = gtk_entry_new ();
  GtkWidget *problem = gtk_label_new (NULL);
  const char * const durations[] = { _("1 hour"), _("2 hours"), _("4 hours"), _("8 hours"), _("24 hours"), NULL };
  GtkWidget *duration = gtk_drop_down_new_from_strings (durations);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *placeholder = NULL;
  AdwMessageDialog *dialog;

  g_return_val_if_fail (item != NULL, NULL);

  names = tw_alert_item_list_label_names (item);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (text, "%s=%s\n", (char *) g_ptr_array_index (names, i),
                            (char *) g_hash_table_lookup (tw_alert_item_get_labels (item),
                                                          g_ptr_array_index (names, i)));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (matchers)), text->str, -1);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (matchers), TRUE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (matchers), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (matchers), 6);
  gtk_frame_set_child (GTK_FRAME (frame), matchers);
  gtk_entry_set_placeholder_text (GTK_ENTRY (reason), _("Reason (required)"));
  placeholder = g_strdup_printf (_("Type “%s” to confirm"), tw_alert_item_get_name (item));
  gtk_entry_set_placeholder_text (GTK_ENTRY (typed), placeholder);
  gtk_label_set_wrap (GTK_LABEL (problem), TRUE);
  gtk_widget_add_css_class (problem, "dim-label");
  gtk_box_append (GTK_BOX (box), frame);
  gtk_accessible_update_property (GTK_ACCESSIBLE (duration), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Silence for"), -1);
  gtk_box_append (GTK_BOX (box), duration);
  gtk_box_append (GTK_BOX (box), reason);
  gtk_box_append (GTK_BOX (box), typed);
  gtk_box_append (GTK_BOX (box), problem);

  dialog = new_dialog (self, _("Silence Alert"),
                       _("Alertmanager sends no notification for alerts these matchers select until "
                         "the silence ends. One line a matcher: name=value, name!=value, name=~regex."),
                       box);
  adw_message_dialog_add_response (dialog, "silence", _("_Silence"));
  adw_message_dialog_set_response_appearance (dialog, "silence", ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "tw-item", g_object_ref (item), g_object_unref);
  g_object_set_data (G_OBJECT (dialog), "tw-reason", reason);
  g_object_set_data (G_OBJECT (dialog), "tw-typed", typed);
  g_object_set_data (G_OBJECT (dialog), "tw-duration", duration);
  g_object_set_data (G_OBJECT (dialog), "tw-problem", problem);
  g_object_set_data (G_OBJECT (dialog), "tw-matchers", gtk_text_view_get_buffer (GTK_TEXT_VIEW (matchers)));
  g_signal_connect_swapped (reason, "changed", G_CALLBACK (silence_check), dialog);
  g_signal_connect_swapped (typed, "changed", G_CALLBACK (silence_check), dialog);
  g_signal_connect_swapped (duration, "notify::selected", G_CALLBACK (silence_check), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (silence_response_cb), self, 0);
  silence_check (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

void
_tw_alerts_page_fill_silence (AdwMessageDialog *dialog,
                              const char       *reason,
                              guint             hours,
                              const char       *typed_name)
{
  GtkDropDown *duration = g_object_get_data (G_OBJECT (dialog), "tw-duration");

  for (guint i = 0; i < G_N_ELEMENTS (silence_hours); i++)
    if (silence_hours[i] == hours)
      gtk_drop_down_set_selected (duration, i);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "tw-reason"), reason ?: "");
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "tw-typed"), typed_name ?: "");
}

void
_tw_alerts_page_silence_clicked (GtkButton    *button,
                                 TwAlertsPage *self)
{
  if (_tw_alerts_page_selected_item (self) != NULL)
    _tw_alerts_page_open_silence_dialog (self);
}
