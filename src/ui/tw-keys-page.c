/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tw-client.h"
#include "tw-connector.h"
#include "tw-key-revoke-dialog.h"
#include "tw-key-swap-dialog.h"
#include "tw-key-rotation-dialog.h"
#include "tw-keys-page.h"
#include "tw-keys.h"
#include "tw-session.h"
#include "tw-ui-util.h"

struct _TwKeysPage
{
  AdwBin       parent_instance;

  TwSession   *session;
  TwKeys      *keys;
  GHashTable  *rows;        /* "service/secret" → AdwActionRow (owned by the groups) */
  GPtrArray   *groups;      /* the service groups shown */
  GtkWidget   *dialog;      /* weak */
  GCancellable *cancellable; /* the ages' lookup */
  gboolean     built;       /* the groups of this session are built */

  GtkBox      *groups_box;
};

static void session_page_iface_init (TwSessionPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TwKeysPage, tw_keys_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (TW_TYPE_SESSION_PAGE, session_page_iface_init))

static char *
step_text (TwKeyRotationInfo *info)
{
  g_autofree char *left = NULL;
  gint64 s;

  if (info == NULL || info->step == TW_KEY_STEP_DONE)
    return g_strdup (_("No rotation open"));
  if (info->still_accepted)
    return g_strdup (_("The old key is STILL ACCEPTED by the service"));
  switch (info->step)
    {
    case TW_KEY_STEP_PREPARED:
      return g_strdup (_("Rotation open: the server needs the new key"));
    case TW_KEY_STEP_ADDED:
      return g_strdup (_("Rotation open: prove the new key"));
    case TW_KEY_STEP_PROVEN:
      return g_strdup (_("Rotation open: the new key is proven, not in use yet"));
    case TW_KEY_STEP_GRACE:
      s = (info->grace_until_us - g_get_real_time ()) / G_USEC_PER_SEC;
      if (s <= 0)
        return g_strdup (_("Grace period over: retire the old key"));
      return g_strdup_printf (_("Grace period: %d h %02d min left"), (int) (s / 3600),
                              (int) (s % 3600 / 60));
    case TW_KEY_STEP_REMOVED:
      return g_strdup (_("Rotation open: prove the old key is refused"));
    case TW_KEY_STEP_NONE:
    case TW_KEY_STEP_DONE:
    default:
      return g_strdup (_("No rotation open"));
    }
}

static void
update_row (TwKeysPage *self,
            const char *service_id,
            const char *secret)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", service_id, secret);
  AdwActionRow *row = g_hash_table_lookup (self->rows, key);
  g_autoptr(TwKeyRotationInfo) info = NULL;
  g_autofree char *text = NULL;
  GtkWidget *button;

  if (row == NULL)
    return;
  info = tw_keys_get_rotation (self->keys, service_id, secret);
  text = step_text (info);
  adw_action_row_set_subtitle (row, text);
  if (info != NULL && info->still_accepted)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  button = g_object_get_data (G_OBJECT (row), "tw-button");
  gtk_button_set_label (GTK_BUTTON (button),
                        info != NULL && info->step != TW_KEY_STEP_DONE ? _("Continue…") : _("Rotate…"));
}

/* Key hygiene: each key's age from the keyring, a warning past 90 days. */
static void
ages_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  TwKeysPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) ages = tw_keys_list_ages_finish (TW_KEYS (source), result, &error);
  GHashTableIter iter;
  gpointer key, value;

  if (ages == NULL)
    return;   /* cancelled (the page let go of the session), or the keyring said no */
  g_hash_table_iter_init (&iter, ages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      AdwActionRow *row = g_hash_table_lookup (self->rows, key);
      GtkWidget *label = row != NULL ? g_object_get_data (G_OBJECT (row), "tw-age") : NULL;
      gint64 stored = *(gint64 *) value;
      gint64 days;
      g_autofree char *text = NULL;

      if (label == NULL)
        continue;
      gtk_widget_set_visible (label, stored > 0);
      if (stored <= 0)
        continue;
      days = MAX (0, (g_get_real_time () / G_USEC_PER_SEC - stored) / 86400);
      if (days >= TW_KEYS_MAX_AGE_DAYS)
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day old: rotate it",
                                             "%d days old: rotate it", days), (int) days);
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day old", "%d days old", days),
                                (int) days);
      gtk_label_set_label (GTK_LABEL (label), text);
      if (days >= TW_KEYS_MAX_AGE_DAYS)
        {
          gtk_widget_remove_css_class (label, "dim-label");
          gtk_widget_add_css_class (label, "warning");
        }
    }
}

static void
refresh_ages (TwKeysPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->keys == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  tw_keys_list_ages_async (self->keys, self->cancellable, ages_cb, self);
}

static void
keys_changed_cb (TwKeysPage *self,
                 const char *service_id,
                 const char *secret)
{
  /* Not built yet: the build shows it, and reads the ages then. */
  if (!self->built)
    return;
  update_row (self, service_id, secret);
  refresh_ages (self);
}

static void
apply_server_cb (GtkButton  *button,
                 TwKeysPage *self)
{
  AdwExpanderRow *expander = g_object_get_data (G_OBJECT (button), "tw-expander");
  AdwEntryRow *env_row = g_object_get_data (G_OBJECT (button), "tw-env");
  AdwEntryRow *cmd_row = g_object_get_data (G_OBJECT (button), "tw-cmd");
  const char *service_id = g_object_get_data (G_OBJECT (button), "tw-service");
  gboolean managed = adw_expander_row_get_enable_expansion (expander);
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  const char *cmd = gtk_editable_get_text (GTK_EDITABLE (cmd_row));

  /* The command is split as a shell would, but run with no shell. */
  if (managed && *cmd != '\0' && !g_shell_parse_argv (cmd, NULL, &argv, &error))
    g_prefix_error (&error, _("The restart command: "));
  if (error == NULL)
    tw_keys_set_server (self->keys, service_id,
                        managed ? TW_KEY_SERVER_MANAGED : TW_KEY_SERVER_GUIDED,
                        gtk_editable_get_text (GTK_EDITABLE (env_row)),
                        (const char * const *) argv, 0, &error);
  adw_expander_row_set_subtitle (expander, error != NULL ? error->message
                                 : managed ? _("Managed: the console edits the .env file and restarts")
                                           : _("Guided: the console shows each step"));
  if (error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (expander), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (expander), "error");
}

static void
rotate_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TwKeysPage *self = TW_KEYS_PAGE (widget);
  const char *target = g_variant_get_string (parameter, NULL);
  g_auto(GStrv) parts = g_strsplit (target, "/", 2);
  TwWorkspace *workspace;
  TwClient *client;
  const TwSecretSpec *spec;
  GtkWidget *dialog;
  GtkRoot *root;

  if (self->keys == NULL || parts[0] == NULL || parts[1] == NULL)
    return;
  workspace = tw_session_get_workspace (self->session);
  client = tw_workspace_get_client (workspace, parts[0]);
  if (client == NULL)
    return;
  spec = tw_connector_get_secret (tw_client_get_connector (client), parts[1]);
  if (spec == NULL)
    return;
  dialog = tw_key_rotation_dialog_new (self->keys, parts[0],
                                       tw_service_get_name (tw_client_get_service (client)),
                                       parts[1], _(spec->label));
  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_set_weak_pointer (&self->dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
revoke_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TwKeysPage *self = TW_KEYS_PAGE (widget);
  g_auto(GStrv) parts = g_strsplit (g_variant_get_string (parameter, NULL), "/", 2);
  TwClient *client;
  const TwSecretSpec *spec;
  GtkWidget *dialog;
  GtkRoot *root;

  if (self->session == NULL || parts[0] == NULL || parts[1] == NULL)
    return;
  client = tw_workspace_get_client (tw_session_get_workspace (self->session), parts[0]);
  spec = client != NULL ? tw_connector_get_secret (tw_client_get_connector (client), parts[1]) : NULL;
  if (spec == NULL)
    return;
  dialog = tw_key_revoke_dialog_new (self->session, parts[0], parts[1], _(spec->label));
  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_set_weak_pointer (&self->dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
swap_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TwKeysPage *self = TW_KEYS_PAGE (widget);
  GtkWidget *dialog;
  GtkRoot *root;

  if (self->session == NULL)
    return;
  dialog = tw_key_swap_dialog_new (self->session, g_variant_get_string (parameter, NULL));
  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_set_weak_pointer (&self->dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
clear_groups (TwKeysPage *self)
{
  for (guint i = 0; i < self->groups->len; i++)
    gtk_box_remove (self->groups_box, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  g_hash_table_remove_all (self->rows);
  self->built = FALSE;
}

static void
grace_changed_cb (GtkSpinButton *spin,
                  TwKeysPage    *self)
{
  if (self->keys != NULL)
    tw_keys_set_grace (self->keys, (guint) gtk_spin_button_get_value_as_int (spin) * 3600);
}

static void
build (TwKeysPage *self)
{
  TwWorkspace *workspace = tw_session_get_workspace (self->session);
  GListModel *services = tw_workspace_get_services (workspace);

  /* The grace period of the rotations started from now on (the runbook's 24 h). */
  {
    GtkWidget *group = adw_preferences_group_new ();
    GtkWidget *row = adw_action_row_new ();
    GtkWidget *spin = gtk_spin_button_new_with_range (1, 24 * 14, 1);

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Grace period, in hours"));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                 _("How long the old key stays valid after the new one is in use"));
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), MAX (1, tw_keys_get_grace (self->keys) / 3600));
    gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
    gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Grace period, in hours"), -1);
    g_signal_connect (spin, "value-changed", G_CALLBACK (grace_changed_cb), self);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    gtk_box_append (self->groups_box, group);
    g_ptr_array_add (self->groups, group);
  }

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      const char *id = tw_service_get_id (service);
      TwClient *client = tw_workspace_get_client (workspace, id);
      GPtrArray *specs;
      GtkWidget *group, *expander, *env_row, *cmd_row, *apply;
      gboolean any = FALSE;
      gboolean swap = FALSE;

      if (client == NULL)
        continue;
      group = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), tw_service_get_name (service));
      specs = tw_connector_get_secrets (tw_client_get_connector (client));
      for (guint j = 0; j < specs->len; j++)
        {
          const TwSecretSpec *spec = g_ptr_array_index (specs, j);
          g_autoptr(GError) why = NULL;
          g_autofree char *key = g_strdup_printf ("%s/%s", id, spec->name);
          GtkWidget *row = adw_action_row_new ();
          GtkWidget *button;

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(spec->label));
          if (!tw_keys_can_rotate (self->keys, id, spec->name, &why))
            {
              adw_action_row_set_subtitle (ADW_ACTION_ROW (row), why->message);
              if (spec->prove_operation != NULL && !swap)
                {
                  /* No overlap (Alpaca): one Swap… for the service's keys together. */
                  button = gtk_button_new_with_label (_("Swap…"));
                  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
                  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "keys.swap");
                  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
                  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
                  swap = TRUE;
                }
              else if (spec->prove_operation == NULL)
                gtk_widget_add_css_class (row, "dim-label");
              adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
              continue;
            }
          any = TRUE;
          {
            GtkWidget *age = gtk_label_new (NULL);

            gtk_widget_add_css_class (age, "dim-label");
            gtk_widget_set_visible (age, FALSE);
            adw_action_row_add_suffix (ADW_ACTION_ROW (row), age);
            g_object_set_data (G_OBJECT (row), "tw-age", age);
          }
          button = gtk_button_new_with_label (_("Rotate…"));
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "keys.rotate");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", key);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
          g_object_set_data (G_OBJECT (row), "tw-button", button);
          button = gtk_button_new_with_label (_("Revoke…"));
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "destructive-action");
          gtk_widget_set_tooltip_text (button, _("Emergency: halt trading, then revoke this key"));
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "keys.revoke");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", key);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
          g_hash_table_replace (self->rows, g_steal_pointer (&key), row);
          update_row (self, id, spec->name);
        }

      if (any)
        {
          /* The server side: guided, or managed (the switch) with its file and command. */
          expander = adw_expander_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), _("Managed server side"));
          adw_expander_row_set_show_enable_switch (ADW_EXPANDER_ROW (expander), TRUE);
          adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (expander),
                                                 tw_keys_get_server_mode (self->keys, id) == TW_KEY_SERVER_MANAGED);
          adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander),
                                         _("Off: guided, the console shows each step"));
          env_row = adw_entry_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (env_row), _("The service’s .env file"));
          cmd_row = adw_entry_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (cmd_row),
                                         _("Restart command (run without a shell)"));
          {
            g_autofree char *env_file = NULL;
            g_auto(GStrv) argv = NULL;

            /* What is set now, the command quoted as a shell would read it back */
            tw_keys_dup_server (self->keys, id, &env_file, &argv, NULL);
            if (env_file != NULL)
              gtk_editable_set_text (GTK_EDITABLE (env_row), env_file);
            if (argv != NULL && argv[0] != NULL)
              {
                g_autoptr(GString) cmd = g_string_new (NULL);

                for (guint k = 0; argv[k] != NULL; k++)
                  {
                    g_autofree char *quoted = g_shell_quote (argv[k]);

                    g_string_append_printf (cmd, "%s%s", k > 0 ? " " : "", quoted);
                  }
                gtk_editable_set_text (GTK_EDITABLE (cmd_row), cmd->str);
              }
          }
          apply = gtk_button_new_with_mnemonic (_("_Apply"));
          gtk_widget_set_valign (apply, GTK_ALIGN_CENTER);
          g_object_set_data (G_OBJECT (apply), "tw-expander", expander);
          g_object_set_data (G_OBJECT (apply), "tw-env", env_row);
          g_object_set_data (G_OBJECT (apply), "tw-cmd", cmd_row);
          g_object_set_data_full (G_OBJECT (apply), "tw-service", g_strdup (id), g_free);
          g_signal_connect (apply, "clicked", G_CALLBACK (apply_server_cb), self);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), env_row);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), cmd_row);
          adw_expander_row_add_action (ADW_EXPANDER_ROW (expander), apply);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), expander);
        }
      gtk_box_append (self->groups_box, group);
      g_ptr_array_add (self->groups, group);
    }
  self->built = TRUE;
}

/* The groups, and the ages from the keyring, once the page is shown (or asked what it
 * shows): a profile of 200 services opens without building 200 groups of rows and
 * entries nobody looks at yet, nor reading every key's age from the keyring. */
static void
build_when_shown (gpointer widget)
{
  TwKeysPage *self = TW_KEYS_PAGE (widget);

  if (self->keys == NULL || self->built)
    return;
  build (self);
  refresh_ages (self);
}

static void
session_page_set_session (TwSessionPage *page,
                          TwSession     *session)
{
  TwKeysPage *self = TW_KEYS_PAGE (page);

  if (self->keys != NULL)
    g_signal_handlers_disconnect_by_data (self->keys, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_groups (self);
  g_clear_object (&self->keys);
  g_clear_object (&self->session);
  if (session == NULL || tw_session_get_keys (session) == NULL)
    return;
  self->session = g_object_ref (session);
  self->keys = g_object_ref (tw_session_get_keys (session));
  g_signal_connect_object (self->keys, "changed", G_CALLBACK (keys_changed_cb), self,
                           G_CONNECT_SWAPPED);
  tw_ui_update_when_mapped (GTK_WIDGET (self), build_when_shown);
}

static void
session_page_iface_init (TwSessionPageInterface *iface)
{
  iface->set_session = session_page_set_session;
}

static void
tw_keys_page_dispose (GObject *object)
{
  TwKeysPage *self = TW_KEYS_PAGE (object);

  session_page_set_session (TW_SESSION_PAGE (self), NULL);
  g_clear_weak_pointer (&self->dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_KEYS_PAGE);

  G_OBJECT_CLASS (tw_keys_page_parent_class)->dispose (object);
}

static void
tw_keys_page_finalize (GObject *object)
{
  TwKeysPage *self = TW_KEYS_PAGE (object);

  g_hash_table_unref (self->rows);
  g_ptr_array_unref (self->groups);

  G_OBJECT_CLASS (tw_keys_page_parent_class)->finalize (object);
}

static void
tw_keys_page_class_init (TwKeysPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_keys_page_dispose;
  object_class->finalize = tw_keys_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-keys-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TwKeysPage, groups_box);
  gtk_widget_class_install_action (widget_class, "keys.rotate", "s", rotate_action);
  gtk_widget_class_install_action (widget_class, "keys.revoke", "s", revoke_action);
  gtk_widget_class_install_action (widget_class, "keys.swap", "s", swap_action);
}

static void
tw_keys_page_init (TwKeysPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->groups = g_ptr_array_new ();
}

GtkWidget *
tw_keys_page_new (void)
{
  return g_object_new (TW_TYPE_KEYS_PAGE, NULL);
}

const char *
tw_keys_page_get_status (TwKeysPage *self,
                         const char *service_id,
                         const char *secret)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", service_id, secret);
  AdwActionRow *row;

  tw_ui_flush_update (GTK_WIDGET (self));
  row = g_hash_table_lookup (self->rows, key);
  return row != NULL ? adw_action_row_get_subtitle (row) : NULL;
}

GtkWidget *
tw_keys_page_get_dialog (TwKeysPage *self)
{
  return self->dialog;
}
