/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-close-ask.h"

#include <glib/gi18n.h>

gboolean
tw_close_ask_needed (GSettings *settings)
{
  g_autoptr(GVariant) value = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);

  value = g_settings_get_user_value (settings, "run-in-background");
  return value == NULL;
}

static gboolean
close_window_cb (gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             GSettings        *settings)
{
  GtkWindow *window = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  gboolean background = g_str_equal (response, "background");

  if (!background && !g_str_equal (response, "quit"))
    return;   /* Cancel: the window stays, and the question waits for the next close. */
  g_settings_set_boolean (settings, "run-in-background", background);
  /* The window closed after the dialog is gone, never under its response: a dialog
   * outliving its parent would let go of a window already finalized. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (window != NULL)
    g_idle_add_full (G_PRIORITY_DEFAULT, close_window_cb, g_object_ref (window), g_object_unref);
}

static void
unref_settings (gpointer  data,
                GClosure *closure)
{
  g_object_unref (data);
}

static void
forget_cb (GtkWindow *window)
{
  g_object_set_data (G_OBJECT (window), "tw-close-ask", NULL);
}

GtkWidget *
tw_close_ask_present (GtkWindow *window,
                      GSettings *settings)
{
  GtkWidget *dialog;

  g_return_val_if_fail (GTK_IS_WINDOW (window), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  /* Closed again while asking: the same question, not a second one. */
  dialog = g_object_get_data (G_OBJECT (window), "tw-close-ask");
  if (dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (dialog));
      return dialog;
    }
  dialog = adw_message_dialog_new (window, _("Keep Watching After Closing?"), NULL);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("In the background, Trade Warden keeps polling this profile’s "
                                 "services and notifies you of breaker trips, failed halts and "
                                 "services that stop answering; a notification’s Halt button "
                                 "still halts trading.\n\n"
                                 "To quit then, open Trade Warden again and choose Quit in the "
                                 "main menu (Ctrl+Q).\n\n"
                                 "If it quits, nothing watches your services until you open it "
                                 "again. You can change this later in Preferences."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "quit", _("_Quit"),
                                    "background", _("_Keep Watching"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "background",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "background");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (response_cb), g_object_ref (settings),
                         unref_settings, 0);
  g_object_set_data (G_OBJECT (window), "tw-close-ask", dialog);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (forget_cb), window, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}
