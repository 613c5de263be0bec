/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-audit-page.h"
#include "tw-audit-page-private.h"

#include <glib/gi18n.h>

#include "tw-error.h"
#include "tw-ui-util.h"
#include "tw-window.h"

#define ROW_LIMIT 2000

struct _TwAuditPage
{
  AdwBin          parent_instance;

  TwAuditLog     *log;
  TwActionRunner *runner;
  GListStore     *rows;
  GtkStringList  *profiles;
  GtkStringList  *actions;
  GCancellable   *query_cancellable;
  GCancellable   *cancellable;
  char           *verify_text;
  gboolean        verify_ok;
  /* An intact result covers rows 1 to verified_through (ids are consecutive when the
   * chain holds); newest_row is the newest row seen since, to mark it out of date. */
  gboolean        intact_shown;
  gint64          verified_through;
  gint64          keyed_from;        /* of the shown result: 0 for an unkeyed log */
  char           *unkeyed_text;      /* of the shown result: its rows written without the keyring */
  gint64          newest_row;
  GDateTime      *verified_at;
  guint           n_queries;
  guint           refresh_source;

  GtkSearchEntry *search_entry;
  GtkDropDown    *profile_dropdown;
  GtkDropDown    *action_dropdown;
  GtkDropDown    *outcome_dropdown;
  GtkRevealer    *verify_revealer;
  GtkBox         *verify_box;
  GtkImage       *verify_icon;
  GtkLabel       *verify_label;
  GtkLabel       *count_label;
  GtkStack       *stack;
  GtkColumnView  *column_view;
};

static void session_page_iface_init (TwSessionPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TwAuditPage, tw_audit_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (TW_TYPE_SESSION_PAGE, session_page_iface_init))

enum {
  REFRESHED,
  VERIFIED,
  EXPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void check_newest (TwAuditPage *self);

/* Filters */

static const char *
selected_string (GtkDropDown *dropdown)
{
  GtkStringList *list = GTK_STRING_LIST (gtk_drop_down_get_model (dropdown));
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return NULL;
  return gtk_string_list_get_string (list, selected);
}

static void
remember_choice (GtkStringList *list,
                 const char    *value)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  if (value == NULL || *value == '\0')
    return;
  for (guint i = 1; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (list, i), value) == 0)
      return;
  gtk_string_list_append (list, value);
}

static gboolean
select_choice (GtkDropDown *dropdown,
               const char  *value)
{
  GtkStringList *list = GTK_STRING_LIST (gtk_drop_down_get_model (dropdown));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  if (value == NULL)
    {
      gtk_drop_down_set_selected (dropdown, 0);
      return TRUE;
    }
  for (guint i = 1; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (list, i), value) == 0)
      {
        gtk_drop_down_set_selected (dropdown, i);
        return TRUE;
      }
  return FALSE;
}

static void
update_count (TwAuditPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  g_autofree char *text = NULL;

  if (n >= ROW_LIMIT)
    /* Translators: %u is a number of rows */
    text = g_strdup_printf (_("Newest %u rows — narrow the filters to see older ones"), n);
  else
    text = g_strdup_printf (ngettext ("%u row", "%u rows", n), n);
  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "rows" : "empty");
}

/* Rows come newest first. When the new answer is the old one with newer rows on top
 * (the usual case after an action), insert only those and trim the tail: rows, selection
 * and scroll stay put. Anything else (another filter) replaces the list. */
static void
splice_rows (TwAuditPage *self,
             GPtrArray   *items)
{
  GListModel *rows = G_LIST_MODEL (self->rows);
  guint n_old = g_list_model_get_n_items (rows);
  guint n_new_on_top = 0;
  gboolean prefix_match = FALSE;

  if (n_old > 0 && items->len > 0)
    {
      g_autoptr(TwAuditRecord) first_old = g_list_model_get_item (rows, 0);
      gint64 first_old_id = tw_audit_record_get_id (first_old);

      while (n_new_on_top < items->len &&
             tw_audit_record_get_id (g_ptr_array_index (items, n_new_on_top)) != first_old_id)
        n_new_on_top++;

      if (n_new_on_top < items->len)
        {
          guint overlap = MIN (n_old, items->len - n_new_on_top);

          prefix_match = TRUE;
          for (guint i = 0; i < overlap && prefix_match; i++)
            {
              g_autoptr(TwAuditRecord) old_row = g_list_model_get_item (rows, i);
              TwAuditRecord *new_row = g_ptr_array_index (items, n_new_on_top + i);

              prefix_match = tw_audit_record_get_id (old_row) == tw_audit_record_get_id (new_row);
            }
        }
    }

  if (prefix_match)
    {
      guint keep = items->len - n_new_on_top;

      if (n_old > keep)
        g_list_store_splice (self->rows, keep, n_old - keep, NULL, 0);
      if (n_new_on_top > 0)
        g_list_store_splice (self->rows, 0, 0, items->pdata, n_new_on_top);
      return;
    }

  g_list_store_splice (self->rows, 0, n_old, items->pdata, items->len);
}

static void
query_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TwAuditPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = tw_audit_log_query_finish (TW_AUDIT_LOG (object), result, &error);
  g_autoptr(GPtrArray) items = NULL;
  guint n;

  self->n_queries--;
  /* A newer query replaced this one (its answer may have been ready already): only the
   * newest one's rows are shown, and only it says "refreshed". */
  if (G_IS_TASK (result) && g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  if (model == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_label_set_label (self->count_label, error->message);
          g_signal_emit (self, signals[REFRESHED], 0);
        }
      return;
    }
  if (self->stack == NULL)
    return;

  n = g_list_model_get_n_items (model);
  items = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      TwAuditRecord *record = g_list_model_get_item (model, i);

      /* Filter choices only grow: values seen in any answer. */
      remember_choice (self->profiles, tw_audit_record_get_profile (record));
      remember_choice (self->actions, tw_audit_record_get_action (record));
      g_ptr_array_add (items, record);
    }
  splice_rows (self, items);
  update_count (self);
  check_newest (self);
  g_signal_emit (self, signals[REFRESHED], 0);
}

void
tw_audit_page_refresh (TwAuditPage *self)
{
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  const char *text;
  guint outcome;

  g_return_if_fail (TW_IS_AUDIT_PAGE (self));

  if (self->log == NULL || self->stack == NULL)
    return;

  /* The newest query wins. */
  g_cancellable_cancel (self->query_cancellable);
  g_clear_object (&self->query_cancellable);
  self->query_cancellable = g_cancellable_new ();

  filter.profile = selected_string (self->profile_dropdown);
  filter.action = selected_string (self->action_dropdown);
  outcome = gtk_drop_down_get_selected (self->outcome_dropdown);
  filter.outcome = outcome == 0 || outcome == GTK_INVALID_LIST_POSITION ? -1 : (int) outcome - 1;
  text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  filter.text = text != NULL && *text != '\0' ? text : NULL;
  filter.limit = ROW_LIMIT;

  self->n_queries++;
  tw_audit_log_query_async (self->log, &filter, self->query_cancellable, query_done_cb,
                            g_object_ref (self));
}

static void
filter_changed_cb (TwAuditPage *self)
{
  tw_audit_page_refresh (self);
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  TwAuditPage *self = user_data;

  self->refresh_source = 0;
  tw_audit_page_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
in_flight_changed_cb (TwActionRunner *runner,
                      const char     *service_id,
                      const char     *operation,
                      gboolean        in_flight,
                      TwAuditPage    *self)
{
  /* An action started (its "requested" row) or ended (its outcome row). A halt of four
   * services changes eight times in a few milliseconds: one query for all of them, and
   * none while the page is not shown (mapping it refreshes). */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)) || self->refresh_source != 0)
    return;
  self->refresh_source = g_timeout_add (100, refresh_timeout_cb, self);
}

/* Verify */

static void
set_verify_result (TwAuditPage *self,
                   gboolean     ok,
                   const char  *text)
{
  g_free (self->verify_text);
  self->verify_text = g_strdup (text);
  self->verify_ok = ok;
  gtk_label_set_label (self->verify_label, text);
  gtk_image_set_from_icon_name (self->verify_icon, ok ? "emblem-ok-symbolic" : "dialog-error-symbolic");
  tw_ui_set_status_style (GTK_WIDGET (self->verify_box), ok ? "success" : "error");
  gtk_revealer_set_reveal_child (self->verify_revealer, TRUE);
}

/* "Chain intact through row 42 (verified 14:02:17)", and once newer rows are written,
 * that they are not covered, warning-styled. */
static void
show_intact (TwAuditPage *self)
{
  g_autofree char *when = tw_ui_format_time (self->verified_at);
  g_autofree char *covered = NULL;
  g_autofree char *text = NULL;
  gint64 n_newer = self->newest_row - self->verified_through;

  if (self->verified_through > 0 && self->unkeyed_text != NULL)
    /* Translators: the audit log's verification passed; %lld is the last row checked,
     * %s the time it was checked, the last %s says which rows were written without the
     * keyring ("rows 1041–1043 were written without the keyring (unkeyed): …") */
    covered = g_strdup_printf (_("Chain intact through row %lld (verified %s), but %s"),
                               (long long) self->verified_through, when, self->unkeyed_text);
  else if (self->verified_through > 0 && self->keyed_from == 0)
    /* Translators: the audit log's verification passed, but the log is from before keyed
     * chains; %lld is the last row checked, %s the time it was checked */
    covered = g_strdup_printf (_("Unkeyed chain intact through row %lld (verified %s): a log "
                                 "from an earlier version, which anyone could have rewritten; "
                                 "keyed from its next row on"),
                               (long long) self->verified_through, when);
  else if (self->verified_through > 0 && self->keyed_from > 1)
    /* Translators: the audit log's verification passed; %lld is the last row checked,
     * %s the time it was checked, the second %lld the first row under the key */
    covered = g_strdup_printf (_("Chain intact through row %lld (verified %s); keyed from "
                                 "row %lld, the rows before it from an earlier version"),
                               (long long) self->verified_through, when,
                               (long long) self->keyed_from);
  else if (self->verified_through > 0)
    /* Translators: the audit log's verification passed; %lld is the last row checked,
     * %s the time it was checked */
    covered = g_strdup_printf (_("Chain intact through row %lld (verified %s)"),
                               (long long) self->verified_through, when);
  else
    /* Translators: %s is the time the audit log was checked */
    covered = g_strdup_printf (_("No rows to verify yet (checked %s)"), when);

  if (n_newer > 0)
    /* Translators: the first %s is "Chain intact through row 42 (verified 14:02:17)" */
    text = g_strdup_printf (ngettext ("%s — %lld newer row not verified: Verify again",
                                      "%s — %lld newer rows not verified: Verify again",
                                      (gulong) n_newer),
                            covered, (long long) n_newer);
  set_verify_result (self, TRUE, text != NULL ? text : covered);
  if (n_newer > 0 || (self->verified_through > 0
                      && (self->keyed_from == 0 || self->unkeyed_text != NULL)))
    {
      gtk_image_set_from_icon_name (self->verify_icon, "dialog-warning-symbolic");
      tw_ui_set_status_style (GTK_WIDGET (self->verify_box), "warning");
    }
}

static void
newest_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TwAuditPage) self = user_data;
  g_autoptr(GListModel) model = tw_audit_log_query_finish (TW_AUDIT_LOG (object), result, NULL);
  g_autoptr(TwAuditRecord) newest = NULL;

  /* An answer about another log, or no answer: nothing to say. */
  if (model == NULL || object != (GObject *) self->log || !self->intact_shown
      || self->verify_label == NULL || g_list_model_get_n_items (model) == 0)
    return;
  newest = g_list_model_get_item (model, 0);
  if (tw_audit_record_get_id (newest) <= self->newest_row)
    return;
  self->newest_row = tw_audit_record_get_id (newest);
  show_intact (self);
}

/* Whether rows were written after the shown intact result: the newest row of the whole
 * log, whatever the filters show. */
static void
check_newest (TwAuditPage *self)
{
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;

  if (!self->intact_shown || self->log == NULL)
    return;
  filter.limit = 1;
  tw_audit_log_query_async (self->log, &filter, self->cancellable, newest_done_cb,
                            g_object_ref (self));
}

static void
verify_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TwAuditPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TwAuditVerdict verdict;
  gboolean ok;

  ok = tw_audit_log_verify_finish_full (TW_AUDIT_LOG (object), result, &verdict, &error);
  if (self->verify_label == NULL)
    return;
  /* Another log (or none) is shown now: this result is not about it. */
  if (object != (GObject *) self->log)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.verify", self->log != NULL);
      return;
    }
  self->intact_shown = FALSE;
  if (ok)
    {
      self->intact_shown = TRUE;
      self->verified_through = (gint64) verdict.n_rows;
      self->newest_row = (gint64) verdict.n_rows;
      self->keyed_from = verdict.keyed_from;
      g_free (self->unkeyed_text);
      self->unkeyed_text = tw_audit_verdict_describe_unkeyed (&verdict);
      g_clear_pointer (&self->verified_at, g_date_time_unref);
      self->verified_at = g_date_time_new_now_utc ();
      show_intact (self);
      /* Rows written while it ran are not covered. */
      check_newest (self);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.verify", TRUE);
      g_signal_emit (self, signals[VERIFIED], 0, ok);
      return;
    }
  if (verdict.bad_row > 0)
    /* Translators: the verification failed; %lld is the row's id, %s says what is wrong */
    text = g_strdup_printf (_("Chain broken at row %lld: %s — the audit log was altered outside Trade Warden"),
                            (long long) verdict.bad_row, error->message);
  else
    /* Translators: the verification could not run; %s is the error */
    text = g_strdup_printf (_("Could not verify the audit log: %s"), error->message);
  set_verify_result (self, ok, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.verify", TRUE);
  g_signal_emit (self, signals[VERIFIED], 0, ok);
}

void
tw_audit_page_verify (TwAuditPage *self)
{
  g_return_if_fail (TW_IS_AUDIT_PAGE (self));

  if (self->log == NULL)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.verify", FALSE);
  tw_audit_log_verify_async (self->log, self->cancellable, verify_done_cb, g_object_ref (self));
}

/* Export */

typedef struct
{
  TwAuditPage   *page;
  GFile         *file;
  GOutputStream *stream;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->page);
  g_clear_object (&data->file);
  g_clear_object (&data->stream);
  g_free (data);
}

static void
show_toast (TwAuditPage *self,
            const char  *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (TW_IS_WINDOW (root))
    tw_window_add_toast (TW_WINDOW (root), adw_toast_new (text));
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_parse_name (data->file);
  g_autofree char *text = NULL;
  gboolean ok = tw_audit_log_export_finish (TW_AUDIT_LOG (object), result, &error);

  if (ok && !g_output_stream_close (data->stream, NULL, &error))
    ok = FALSE;
  if (ok)
    /* Translators: %s is a file name */
    text = g_strdup_printf (_("Audit log exported to %s"), name);
  else
    /* Translators: %s is a file name, then the error */
    text = g_strdup_printf (_("Could not export the audit log to %s: %s"), name, error->message);
  show_toast (data->page, text);
  g_signal_emit (data->page, signals[EXPORTED], 0, ok, text);
  export_data_free (data);
}

void
tw_audit_page_export_to_file (TwAuditPage *self,
                              GFile       *file)
{
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  ExportData *data;
  const char *text;
  guint outcome;

  g_return_if_fail (TW_IS_AUDIT_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->log == NULL)
    return;
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &error);
  if (stream == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_autofree char *msg = g_strdup_printf (_("Could not export the audit log to %s: %s"),
                                              name, error->message);

      show_toast (self, msg);
      g_signal_emit (self, signals[EXPORTED], 0, FALSE, msg);
      return;
    }

  filter.profile = selected_string (self->profile_dropdown);
  filter.action = selected_string (self->action_dropdown);
  outcome = gtk_drop_down_get_selected (self->outcome_dropdown);
  filter.outcome = outcome == 0 || outcome == GTK_INVALID_LIST_POSITION ? -1 : (int) outcome - 1;
  text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  filter.text = text != NULL && *text != '\0' ? text : NULL;

  data = g_new0 (ExportData, 1);
  data->page = g_object_ref (self);
  data->file = g_object_ref (file);
  data->stream = G_OUTPUT_STREAM (g_steal_pointer (&stream));
  tw_audit_log_export_async (self->log, &filter, data->stream, self->cancellable,
                             export_done_cb, data);
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    TwAuditPage     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        tw_audit_page_export_to_file (self, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TwAuditPage *self = TW_AUDIT_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, "tradewarden-audit-%Y%m%d-%H%M%S.jsonl");

  chooser = gtk_file_chooser_native_new (_("Export the Audit Log"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
verify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  tw_audit_page_verify (TW_AUDIT_PAGE (widget));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  tw_audit_page_refresh (TW_AUDIT_PAGE (widget));
}

/* GObject */

static void
tw_audit_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (tw_audit_page_parent_class)->map (widget);

  tw_audit_page_refresh (TW_AUDIT_PAGE (widget));
}

static void
tw_audit_page_dispose (GObject *object)
{
  TwAuditPage *self = TW_AUDIT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->query_cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  tw_audit_page_set_context (self, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_AUDIT_PAGE);

  G_OBJECT_CLASS (tw_audit_page_parent_class)->dispose (object);
}

static void
tw_audit_page_finalize (GObject *object)
{
  TwAuditPage *self = TW_AUDIT_PAGE (object);

  g_clear_object (&self->rows);
  g_clear_object (&self->profiles);
  g_clear_object (&self->actions);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->query_cancellable);
  g_free (self->verify_text);
  g_free (self->unkeyed_text);
  g_clear_pointer (&self->verified_at, g_date_time_unref);

  G_OBJECT_CLASS (tw_audit_page_parent_class)->finalize (object);
}

static void
tw_audit_page_class_init (TwAuditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_audit_page_dispose;
  object_class->finalize = tw_audit_page_finalize;
  widget_class->map = tw_audit_page_map;

  signals[REFRESHED] = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[VERIFIED] = g_signal_new ("verified", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[EXPORTED] = g_signal_new ("exported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                    G_TYPE_BOOLEAN, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-audit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TwAuditPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TwAuditPage, profile_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TwAuditPage, action_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TwAuditPage, outcome_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TwAuditPage, verify_revealer);
  gtk_widget_class_bind_template_child (widget_class, TwAuditPage, verify_box);
  gtk_widget_class_bind_template_child (widget_class, TwAuditPage, verify_icon);
  gtk_widget_class_bind_template_child (widget_class, TwAuditPage, verify_label);
  gtk_widget_class_bind_template_child (widget_class, TwAuditPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, TwAuditPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TwAuditPage, column_view);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);

  gtk_widget_class_install_action (widget_class, "audit.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "audit.verify", NULL, verify_action);
  gtk_widget_class_install_action (widget_class, "audit.export", NULL, export_action);
}

static void
tw_audit_page_init (TwAuditPage *self)
{
  const char *outcomes[] = {
    _("Any outcome"), _("Requested"), _("OK"), _("Failed"), _("Refused"), _("Interrupted"), NULL
  };
  const char *profiles[] = { _("All profiles"), NULL };
  const char *actions[] = { _("All actions"), NULL };
  g_autoptr(GtkStringList) outcome_list = gtk_string_list_new (outcomes);
  g_autoptr(GtkNoSelection) selection = NULL;

  self->rows = g_list_store_new (TW_TYPE_AUDIT_RECORD);
  self->profiles = gtk_string_list_new (profiles);
  self->actions = gtk_string_list_new (actions);
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Set before the signals matter: no log yet, so no query. */
  gtk_drop_down_set_model (self->profile_dropdown, G_LIST_MODEL (self->profiles));
  gtk_drop_down_set_model (self->action_dropdown, G_LIST_MODEL (self->actions));
  gtk_drop_down_set_model (self->outcome_dropdown, G_LIST_MODEL (outcome_list));

  tw_audit_columns_add (self->column_view);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.verify", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.export", FALSE);
  update_count (self);
}

GtkWidget *
tw_audit_page_new (void)
{
  return g_object_new (TW_TYPE_AUDIT_PAGE, NULL);
}

void
tw_audit_page_set_context (TwAuditPage    *self,
                           TwAuditLog     *log,
                           TwActionRunner *runner)
{
  g_return_if_fail (TW_IS_AUDIT_PAGE (self));
  g_return_if_fail (log == NULL || TW_IS_AUDIT_LOG (log));
  g_return_if_fail (runner == NULL || TW_IS_ACTION_RUNNER (runner));

  if (self->runner != runner)
    {
      if (self->runner != NULL)
        g_signal_handlers_disconnect_by_data (self->runner, self);
      g_set_object (&self->runner, runner);
      if (runner != NULL)
        g_signal_connect (runner, "in-flight-changed", G_CALLBACK (in_flight_changed_cb), self);
    }
  if (self->log != log)
    {
      g_set_object (&self->log, log);
      if (self->stack != NULL)
        {
          gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.verify", log != NULL);
          gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.export", log != NULL);
          gtk_revealer_set_reveal_child (self->verify_revealer, FALSE);
          self->intact_shown = FALSE;
          if (log == NULL)
            g_list_store_remove_all (self->rows);
          else
            tw_audit_page_refresh (self);
        }
    }
}

GListModel *
tw_audit_page_get_rows (TwAuditPage *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_PAGE (self), NULL);

  return G_LIST_MODEL (self->rows);
}

void
tw_audit_page_set_search_text (TwAuditPage *self,
                               const char  *text)
{
  g_return_if_fail (TW_IS_AUDIT_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* The entry's own signal is delayed: refresh now. */
  tw_audit_page_refresh (self);
}

void
tw_audit_page_set_outcome_filter (TwAuditPage *self,
                                  int          outcome)
{
  g_return_if_fail (TW_IS_AUDIT_PAGE (self));
  g_return_if_fail (outcome >= -1 && outcome <= TW_AUDIT_OUTCOME_INTERRUPTED);

  gtk_drop_down_set_selected (self->outcome_dropdown, (guint) (outcome + 1));
}

gboolean
tw_audit_page_set_action_filter (TwAuditPage *self,
                                 const char  *action)
{
  g_return_val_if_fail (TW_IS_AUDIT_PAGE (self), FALSE);

  return select_choice (self->action_dropdown, action);
}

gboolean
tw_audit_page_set_profile_filter (TwAuditPage *self,
                                  const char  *profile)
{
  g_return_val_if_fail (TW_IS_AUDIT_PAGE (self), FALSE);

  return select_choice (self->profile_dropdown, profile);
}

const char *
tw_audit_page_get_verify_text (TwAuditPage *self,
                               gboolean    *ok)
{
  g_return_val_if_fail (TW_IS_AUDIT_PAGE (self), NULL);

  if (ok != NULL)
    *ok = self->verify_ok;
  return self->verify_text;
}

/* TwSessionPage: what the page shows of the window's session */

static void
session_page_set_session (TwSessionPage *page,
                          TwSession     *session)
{
  tw_audit_page_set_context (TW_AUDIT_PAGE (page),
                             session != NULL ? tw_session_get_audit_log (session) : NULL,
                             session != NULL ? tw_session_get_action_runner (session) : NULL);
}

static void
session_page_iface_init (TwSessionPageInterface *iface)
{
  iface->set_session = session_page_set_session;
}
