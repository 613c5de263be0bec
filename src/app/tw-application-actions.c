/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-application-private.h"

#include <glib/gi18n.h>

#include "tw-env-import.h"
#include "tw-preferences-window.h"
#include "tw-profile-editor.h"
#include "tw-shortcuts-window.h"

void
_tw_application_update_actions (TwApplication *self)
{
  GAction *action;

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "refresh");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->session != NULL);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "halt");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               self->session != NULL
                               && tw_session_get_action_runner (self->session) != NULL
                               && !tw_session_is_halting (self->session));
  /* The demo profile is never saved: nothing to edit. */
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "edit-profile");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               self->session != NULL && tw_session_is_saved (self->session));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  TwApplication *self = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Closing lets each window remember its size. */
  self->quitting = TRUE;
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
  g_application_quit (G_APPLICATION (self));
}

static void
refresh_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TwApplication *self = user_data;

  if (self->session != NULL)
    tw_workspace_refresh (tw_session_get_workspace (self->session));
}

static void
demo_now (TwApplication *self,
          gpointer       data)
{
  g_autoptr(GError) error = NULL;

  if (!tw_application_start_demo (self, &error))
    _tw_application_show_error (self, _("Could Not Start the Demo"), error->message);
  gtk_window_present (GTK_WINDOW (tw_application_get_window (self)));
}

static void
demo_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  _tw_application_switch_guarded (user_data, "demo", demo_now, NULL, NULL);
}

static void
editor_saved_cb (TwProfileEditor *editor,
                 TwProfile       *profile,
                 TwApplication   *self)
{
  g_autofree char *message = NULL;

  _tw_application_open_profile (self, profile, _tw_application_get_keyring (self), FALSE);
  _tw_application_refresh_profile_names (self);
  /* Translators: %s is a profile's name */
  message = g_strdup_printf (_("Profile “%s” saved"), tw_profile_get_name (profile));
  _tw_application_toast (self, message);
}

static void
present_editor (TwApplication *self,
                TwProfile     *profile)
{
  TwProfileEditor *editor = tw_profile_editor_new (GTK_WINDOW (tw_application_get_window (self)),
                                                   self->registry, _tw_application_get_keyring (self), profile);

  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
new_profile_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  present_editor (TW_APPLICATION (user_data), NULL);
}

static void
edit_profile_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  TwApplication *self = user_data;

  if (self->session != NULL && tw_session_is_saved (self->session))
    present_editor (self, tw_session_get_profile (self->session));
}

static void
import_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    TwApplication   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      /* What it would create first: nothing is stored or opened before the operator says. */
      if (file != NULL)
        _tw_application_import_env_file (self, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
import_env_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  TwApplication *self = user_data;
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Import a Runbook .env File"),
                                         GTK_WINDOW (tw_application_get_window (self)),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (import_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_profile_now (TwApplication *self,
                  gpointer       data)
{
  g_autoptr(GError) error = NULL;

  if (!tw_application_open_profile_by_name (self, data, &error))
    _tw_application_show_error (self, _("Could Not Open the Profile"), error->message);
  gtk_window_present (GTK_WINDOW (tw_application_get_window (self)));
}

static void
open_profile_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  TwApplication *self = user_data;
  const char *name = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;

  /* A name that cannot be a profile's is refused before anything is asked. */
  if (!tw_profile_check_name (name, &error))
    {
      _tw_application_show_error (self, _("Could Not Open the Profile"), error->message);
      gtk_window_present (GTK_WINDOW (tw_application_get_window (self)));
      return;
    }
  /* Never away from an incident without saying so. */
  _tw_application_switch_guarded (self, name, open_profile_now, g_strdup (name), g_free);
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  TwApplication *self = user_data;
  TwWindow *window = tw_application_get_window (self);

  tw_shortcuts_window_present (GTK_WINDOW (window));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TwApplication *self = user_data;
  GtkWindow *parent = GTK_WINDOW (tw_application_get_window (self));
  GtkWidget *preferences;

  if (self->settings == NULL)
    {
      _tw_application_show_error (self, _("Preferences Are Unavailable"),
                                  _("The settings schema io.github.tradewarden.TradeWarden is not installed: reinstall Trade Warden."));
      return;
    }
  /* One at a time: a second Ctrl+, brings the open one forward. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (TW_IS_PREFERENCES_WINDOW (l->data))
      {
        gtk_window_present (l->data);
        return;
      }
  preferences = tw_preferences_window_new (parent, self->settings);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (preferences), TRUE);
  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  TwApplication *self = user_data;
  static const char *developers[] = { "The Trade Warden developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", tw_application_get_window (self),
                        "application-name", _("Trade Warden"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Trade Warden developers"),
                        "developers", developers,
                        "comments", _("A console for the on-call operator of automated trading systems: every service at a glance, halting in one click, risky moves made deliberate."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
show_page_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  TwApplication *self = user_data;
  TwWindow *window = tw_application_get_window (self);

  gtk_window_present (GTK_WINDOW (window));
  tw_window_show_page (window, g_variant_get_string (parameter, NULL));
}

static void
halt_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  _tw_application_halt (TW_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  { "refresh", refresh_action, NULL, NULL, NULL, { 0 } },
  { "demo", demo_action, NULL, NULL, NULL, { 0 } },
  { "new-profile", new_profile_action, NULL, NULL, NULL, { 0 } },
  { "edit-profile", edit_profile_action, NULL, NULL, NULL, { 0 } },
  { "import-env", import_env_action, NULL, NULL, NULL, { 0 } },
  { "open-profile", open_profile_action, "s", NULL, NULL, { 0 } },
  { "shortcuts", shortcuts_action, NULL, NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_action, NULL, NULL, NULL, { 0 } },
  { "show-page", show_page_action, "s", NULL, NULL, { 0 } },
  { "halt", halt_action, NULL, NULL, NULL, { 0 } },
};

void
_tw_application_add_actions (TwApplication *self)
{
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *refresh_accels[] = { "<Primary>r", NULL };
  static const char *shortcuts_accels[] = { "<Primary>question", NULL };
  static const char *halt_accels[] = { "<Primary><Shift>h", NULL };
  static const char *preferences_accels[] = { "<Primary>comma", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.refresh", refresh_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.shortcuts", shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.halt", halt_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  for (int i = 1; i <= 9; i++)
    {
      g_autofree char *detailed = g_strdup_printf ("win.page(%d)", i);
      g_autofree char *accel = g_strdup_printf ("<Primary>%d", i);
      const char *accels[] = { accel, NULL };

      gtk_application_set_accels_for_action (GTK_APPLICATION (self), detailed, accels);
    }
}
