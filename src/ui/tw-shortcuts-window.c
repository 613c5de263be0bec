/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-shortcuts-window.h"

/* The Keyboard Shortcuts window, built when it is asked for and destroyed when it
 * closes.
 *
 * Not GtkApplication's automatic help overlay: that one is made with each application
 * window and, closed, only hidden, so a GtkShortcutsWindow lives for the whole run
 * among the toplevels without an accessibility context. GTK 4.8's AT-SPI root answers
 * GetChildAtIndex with an index past the shown windows (a screen reader's count from
 * before a window closed) with the last toplevel, whatever its state, and crashes on
 * that window's missing object path (g_variant_new_object_path (NULL)). With no hidden
 * toplevel kept alive, the last one is always a shown window. */

#define SHORTCUTS_KEY "tw-shortcuts-window"

GtkWindow *
tw_shortcuts_window_get (GtkWindow *parent)
{
  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);

  return g_object_get_data (G_OBJECT (parent), SHORTCUTS_KEY);
}

static void
shortcuts_destroyed_cb (GtkWindow *parent,
                        GObject   *gone)
{
  if (g_object_get_data (G_OBJECT (parent), SHORTCUTS_KEY) == (gpointer) gone)
    g_object_set_data (G_OBJECT (parent), SHORTCUTS_KEY, NULL);
}

GtkWindow *
tw_shortcuts_window_present (GtkWindow *parent)
{
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *window;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);

  window = tw_shortcuts_window_get (parent);
  if (window == NULL)
    {
      builder = gtk_builder_new_from_resource ("/io/github/tradewarden/TradeWarden/tw-shortcuts-window.ui");
      window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
      gtk_window_set_transient_for (window, parent);
      gtk_window_set_hide_on_close (window, FALSE);
      gtk_window_set_destroy_with_parent (window, TRUE);
      g_object_set_data (G_OBJECT (parent), SHORTCUTS_KEY, window);
      g_object_weak_ref (G_OBJECT (window), (GWeakNotify) shortcuts_destroyed_cb, parent);
    }
  gtk_window_present (window);
  return window;
}
