/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-profile-editor.h"
#include "tw-profile-editor-private.h"
#include "tw-guard-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

typedef struct
{
  char *service;
  char *name;
  char *value;
} PendingSecret;

static void
pending_secret_free (PendingSecret *pending)
{
  g_free (pending->service);
  g_free (pending->name);
  /* not logged, not kept: wipe before freeing */
  if (pending->value != NULL)
    explicit_bzero (pending->value, strlen (pending->value));
  g_free (pending->value);
  g_free (pending);
}

struct _TwProfileEditor
{
  AdwWindow            parent_instance;

  TwConnectorRegistry *registry;
  TwSecrets           *secrets;
  TwProfile           *original;      /* NULL for a new profile */
  TwProfile           *saving;        /* while the secrets are stored */
  GPtrArray           *pending;       /* PendingSecret still to store */
  GCancellable        *cancellable;
  GPtrArray           *service_rows;
  char                *problems;
  gboolean             keys_confirmed; /* the guard said yes to replacing stored keys */

  AdwWindowTitle      *window_title;
  GtkRevealer         *problems_revealer;
  GtkLabel            *problems_label;
  AdwEntryRow         *name_row;
  AdwComboRow         *mode_row;
  AdwActionRow        *live_warning_row;
  GtkSwitch           *host_commands_switch;
  AdwPreferencesGroup *services_group;
};

G_DEFINE_FINAL_TYPE (TwProfileEditor, tw_profile_editor, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void store_next_secret (TwProfileEditor *self);

static void
show_problems (TwProfileEditor *self,
               const char      *problems)
{
  g_free (self->problems);
  self->problems = g_strdup (problems);
  if (problems != NULL)
    gtk_label_set_label (self->problems_label, problems);
  gtk_revealer_set_reveal_child (self->problems_revealer, problems != NULL);
}

static TwMode
selected_mode (TwProfileEditor *self)
{
  return adw_combo_row_get_selected (self->mode_row) == 1 ? TW_MODE_LIVE : TW_MODE_PAPER;
}

/* Returns the problems, one per line, or NULL; marks the invalid rows. */
static char *
validate (TwProfileEditor *self)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  gboolean bad_name = FALSE;

  if (*name == '\0' || !tw_profile_name_is_valid (name))
    {
      g_string_append (problems, _("Give the profile a name: letters, digits and dashes.\n"));
      bad_name = TRUE;
    }
  else if (self->original == NULL)
    {
      g_autofree char *dir = tw_profile_get_dir ();
      g_autofree char *basename = g_strconcat (name, ".conf", NULL);
      g_autofree char *path = g_build_filename (dir, basename, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_string_append_printf (problems,
                                  _("A profile named “%s” already exists: choose another name, or edit that one.\n"),
                                  name);
          bad_name = TRUE;
        }
    }
  if (bad_name)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");

  if (self->service_rows->len == 0)
    g_string_append (problems, _("Add at least one service.\n"));

  for (guint i = 0; i < self->service_rows->len; i++)
    {
      TwServiceEditorRow *row = g_ptr_array_index (self->service_rows, i);
      g_autofree char *row_problems = tw_service_editor_row_validate (row);
      const char *id = tw_service_editor_row_get_service_id (row);

      if (row_problems != NULL)
        g_string_append_printf (problems, "%s\n", row_problems);
      if (*id != '\0' && !g_hash_table_add (ids, (gpointer) id))
        g_string_append_printf (problems,
                                _("Two services use the identifier “%s”: each needs its own.\n"), id);
    }

  if (problems->len == 0)
    return NULL;
  g_string_truncate (problems, problems->len - 1);
  return g_string_free (g_steal_pointer (&problems), FALSE);
}

static void
changed_cb (TwProfileEditor *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->live_warning_row), selected_mode (self) == TW_MODE_LIVE);
  /* Once problems are shown, keep them current as the operator fixes them. */
  if (self->problems != NULL)
    {
      g_autofree char *problems = validate (self);

      show_problems (self, problems);
    }
}

static void
remove_service_cb (TwProfileEditor    *self,
                   TwServiceEditorRow *row)
{
  g_ptr_array_remove (self->service_rows, row);
  adw_preferences_group_remove (self->services_group, GTK_WIDGET (row));
  changed_cb (self);
}

static TwServiceEditorRow *
add_service_row (TwProfileEditor *self,
                 TwService       *service)
{
  GtkWidget *row = tw_service_editor_row_new (self->registry, service);

  g_signal_connect_object (row, "changed", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "remove", G_CALLBACK (remove_service_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (self->services_group, row);
  g_ptr_array_add (self->service_rows, row);
  return TW_SERVICE_EDITOR_ROW (row);
}

static void
finish_saving (TwProfileEditor *self)
{
  g_autoptr(TwProfile) profile = g_steal_pointer (&self->saving);

  for (guint i = 0; i < self->service_rows->len; i++)
    tw_service_editor_row_clear_secrets (g_ptr_array_index (self->service_rows, i));
  g_signal_emit (self, signals[SAVED], 0, profile);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
store_secret_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TwProfileEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tw_secrets_store_finish (TW_SECRETS (object), result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s is the keyring's error */
      message = g_strdup_printf (_("The profile was saved, but a secret could not be stored in the keyring: %s. Unlock the keyring and save again."),
                                 error->message);
      show_problems (self, message);
      g_clear_object (&self->saving);
      g_ptr_array_set_size (self->pending, 0);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", TRUE);
      return;
    }
  store_next_secret (self);
}

static void
store_next_secret (TwProfileEditor *self)
{
  PendingSecret *pending;

  if (self->pending->len == 0)
    {
      finish_saving (self);
      return;
    }
  pending = g_ptr_array_index (self->pending, 0);
  tw_secrets_store_async (self->secrets, tw_profile_get_name (self->saving),
                          pending->service, pending->name, pending->value,
                          self->cancellable, store_secret_cb, g_object_ref (self));
  g_ptr_array_remove_index (self->pending, 0);
}

static void save_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter);

static void
keys_confirmed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TwProfileEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tw_guard_confirm_finish (result, &error))
    return;
  self->keys_confirmed = TRUE;
  save_action (GTK_WIDGET (self), "editor.save", NULL);
  self->keys_confirmed = FALSE;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TwProfileEditor *self = TW_PROFILE_EDITOR (widget);
  g_autofree char *problems = validate (self);
  g_autoptr(TwProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  if (self->saving != NULL)
    return;
  show_problems (self, problems);
  if (problems != NULL)
    return;
  if (!self->keys_confirmed)
    {
      g_autoptr(TwGuardRequest) request = NULL;
      g_autofree char *refused =
        _tw_profile_editor_check_replaced_keys (self->original, self->registry,
                                                self->service_rows, &request);

      show_problems (self, refused);
      if (refused != NULL)
        return;
      if (request != NULL)
        {
          tw_guard_confirm_async (GTK_WINDOW (self), request, NULL, NULL, self->cancellable,
                                  keys_confirmed_cb, g_object_ref (self));
          return;
        }
    }

  profile = tw_profile_new (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), selected_mode (self));
  tw_profile_set_host_commands (profile, gtk_switch_get_active (self->host_commands_switch));
  if (self->original != NULL)
    {
      GPtrArray *databases = tw_profile_get_databases (self->original);
      GPtrArray *logs = tw_profile_get_logs (self->original);

      for (guint i = 0; databases != NULL && i < databases->len; i++)
        {
          TwDatabaseConfig *db = g_ptr_array_index (databases, i);

          tw_profile_add_database (profile, db->id, db->path, db->backup_dir,
                                   db->retention_days, db->schedule_hours);
        }
      for (guint i = 0; logs != NULL && i < logs->len; i++)
        {
          TwLogConfig *log = g_ptr_array_index (logs, i);

          tw_profile_add_log (profile, log->id, log->path);
        }
    }

  for (guint i = 0; i < self->service_rows->len; i++)
    {
      TwServiceEditorRow *row = g_ptr_array_index (self->service_rows, i);
      g_autoptr(TwService) service = tw_service_editor_row_build_service (row);
      g_autoptr(GHashTable) secrets = tw_service_editor_row_collect_secrets (row);
      GHashTableIter iter;
      gpointer key, value;

      tw_profile_add_service (profile, service);
      g_hash_table_iter_init (&iter, secrets);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          PendingSecret *pending = g_new0 (PendingSecret, 1);

          pending->service = g_strdup (tw_service_get_id (service));
          pending->name = g_strdup (key);
          pending->value = g_strdup (value);
          g_ptr_array_add (self->pending, pending);
        }
    }

  if (!tw_profile_save (profile, NULL, &error))
    {
      g_ptr_array_set_size (self->pending, 0);
      show_problems (self, error->message);
      return;
    }

  self->saving = g_steal_pointer (&profile);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", FALSE);
  store_next_secret (self);
}

static void
add_service_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  tw_profile_editor_add_service (TW_PROFILE_EDITOR (widget));
}

static void
tw_profile_editor_dispose (GObject *object)
{
  TwProfileEditor *self = TW_PROFILE_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_PROFILE_EDITOR);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->registry);
  g_clear_object (&self->secrets);
  g_clear_object (&self->original);
  g_clear_object (&self->saving);

  G_OBJECT_CLASS (tw_profile_editor_parent_class)->dispose (object);
}

static void
tw_profile_editor_finalize (GObject *object)
{
  TwProfileEditor *self = TW_PROFILE_EDITOR (object);

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->service_rows, g_ptr_array_unref);
  g_clear_pointer (&self->problems, g_free);

  G_OBJECT_CLASS (tw_profile_editor_parent_class)->finalize (object);
}

static void
tw_profile_editor_class_init (TwProfileEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_profile_editor_dispose;
  object_class->finalize = tw_profile_editor_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, TW_TYPE_PROFILE);

  g_type_ensure (TW_TYPE_SERVICE_EDITOR_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-profile-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, TwProfileEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, TwProfileEditor, problems_revealer);
  gtk_widget_class_bind_template_child (widget_class, TwProfileEditor, problems_label);
  gtk_widget_class_bind_template_child (widget_class, TwProfileEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, TwProfileEditor, mode_row);
  gtk_widget_class_bind_template_child (widget_class, TwProfileEditor, live_warning_row);
  gtk_widget_class_bind_template_child (widget_class, TwProfileEditor, host_commands_switch);
  gtk_widget_class_bind_template_child (widget_class, TwProfileEditor, services_group);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.add-service", NULL, add_service_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tw_profile_editor_init (TwProfileEditor *self)
{
  self->cancellable = g_cancellable_new ();
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_secret_free);
  self->service_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

TwProfileEditor *
tw_profile_editor_new (GtkWindow           *parent,
                       TwConnectorRegistry *registry,
                       TwSecrets           *secrets,
                       TwProfile           *profile)
{
  TwProfileEditor *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TW_IS_CONNECTOR_REGISTRY (registry), NULL);
  g_return_val_if_fail (TW_IS_SECRETS (secrets), NULL);
  g_return_val_if_fail (profile == NULL || TW_IS_PROFILE (profile), NULL);

  self = g_object_new (TW_TYPE_PROFILE_EDITOR, "transient-for", parent, NULL);
  self->registry = g_object_ref (registry);
  self->secrets = g_object_ref (secrets);

  if (profile != NULL)
    {
      GListModel *services = tw_profile_get_services (profile);

      self->original = g_object_ref (profile);
      adw_window_title_set_title (self->window_title, _("Edit Profile"));
      adw_window_title_set_subtitle (self->window_title, tw_profile_get_name (profile));
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), tw_profile_get_name (profile));
      /* Secrets are keyed by the profile's name: renaming is not offered. */
      gtk_editable_set_editable (GTK_EDITABLE (self->name_row), FALSE);
      tw_profile_editor_set_mode (self, tw_profile_get_mode (profile));
      gtk_switch_set_active (self->host_commands_switch, tw_profile_get_host_commands (profile));
      for (guint i = 0; i < g_list_model_get_n_items (services); i++)
        {
          g_autoptr(TwService) service = g_list_model_get_item (services, i);
          TwServiceEditorRow *row = add_service_row (self, service);

          adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), FALSE);
        }
    }
  else
    adw_window_title_set_title (self->window_title, _("New Profile"));

  return self;
}

void
tw_profile_editor_set_profile_name (TwProfileEditor *self,
                                    const char      *name)
{
  g_return_if_fail (TW_IS_PROFILE_EDITOR (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
}

void
tw_profile_editor_set_mode (TwProfileEditor *self,
                            TwMode           mode)
{
  g_return_if_fail (TW_IS_PROFILE_EDITOR (self));

  adw_combo_row_set_selected (self->mode_row, mode == TW_MODE_LIVE ? 1 : 0);
}

TwServiceEditorRow *
tw_profile_editor_add_service (TwProfileEditor *self)
{
  g_return_val_if_fail (TW_IS_PROFILE_EDITOR (self), NULL);

  return add_service_row (self, NULL);
}

const char *
tw_profile_editor_get_problems (TwProfileEditor *self)
{
  g_return_val_if_fail (TW_IS_PROFILE_EDITOR (self), NULL);

  return self->problems;
}
