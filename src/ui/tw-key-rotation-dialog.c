/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tw-guard-dialog.h"
#include "tw-key-rotation-dialog.h"

#define CLIPBOARD_CLEAR_S 60

struct _TwKeyRotationDialog
{
  AdwWindow            parent_instance;

  TwKeys              *keys;
  char                *service_id;
  char                *service_name;
  char                *secret;
  char                *secret_label;
  GCancellable        *cancellable;
  TwKeyStep            step;
  gboolean             busy;
  char                *output;       /* the last restart command's output */
  char                *problem;
  gboolean             still_accepted;
  guint                tick;         /* the grace period's time left, once a minute */
  GtkWidget           *step_labels[6];
  GtkWidget           *guard_dialog;  /* weak */
  TwGuardRequest      *request;       /* keys.rotate, while the guard asks */
  char                *pasted;        /* held while the guard asks, wiped after */

  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *window_title;
  GtkBox              *steps_box;
  GtkLabel            *heading_label;
  GtkLabel            *body_label;
  AdwPreferencesGroup *key_group;
  AdwActionRow        *old_row;
  AdwActionRow        *new_row;
  AdwActionRow        *grace_row;
  AdwPreferencesGroup *paste_group;
  AdwPasswordEntryRow *paste_entry;
  AdwPreferencesGroup *server_group;
  GtkLabel            *server_label;
  GtkWidget           *copy_button;
  AdwPreferencesGroup *output_group;
  GtkLabel            *output_label;
  GtkLabel            *problem_label;
  GtkWidget           *cancel_button;
  GtkSpinner          *spinner;
  GtkButton           *next_button;
};

G_DEFINE_FINAL_TYPE (TwKeyRotationDialog, tw_key_rotation_dialog, ADW_TYPE_WINDOW)

static const char * const step_titles[] = {
  N_("Prepare"), N_("Server"), N_("Prove"), N_("Promote"), N_("Grace"), N_("Retire"),
};

/* Which of the six step labels a rotation step is in. */
static guint
step_index (TwKeyStep step)
{
  switch (step)
    {
    case TW_KEY_STEP_NONE:
      return 0;
    case TW_KEY_STEP_PREPARED:
      return 1;
    case TW_KEY_STEP_ADDED:
      return 2;
    case TW_KEY_STEP_PROVEN:
      return 3;
    case TW_KEY_STEP_GRACE:
      return 4;
    case TW_KEY_STEP_REMOVED:
    case TW_KEY_STEP_DONE:
    default:
      return 5;
    }
}

static char *
format_left (gint64 until_us)
{
  gint64 left = (until_us - g_get_real_time ()) / G_USEC_PER_SEC;

  if (left <= 0)
    return g_strdup (_("Over: the old key can be retired"));
  if (left >= 3600)
    return g_strdup_printf (_("%d h %02d min left"), (int) (left / 3600), (int) (left % 3600 / 60));
  return g_strdup_printf (_("%d min left"), (int) MAX (1, left / 60));
}

static void
refresh (TwKeyRotationDialog *self)
{
  g_autoptr(TwKeyRotationInfo) info = tw_keys_get_rotation (self->keys, self->service_id, self->secret);
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", self->service_name, self->secret_label);
  gboolean managed = tw_keys_get_server_mode (self->keys, self->service_id) == TW_KEY_SERVER_MANAGED;
  const char *heading = NULL, *body = NULL, *next = NULL;
  guint index;

  self->step = info != NULL ? info->step : TW_KEY_STEP_NONE;
  index = step_index (self->step);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  for (guint i = 0; i < G_N_ELEMENTS (self->step_labels); i++)
    {
      gtk_widget_remove_css_class (self->step_labels[i], "accent");
      gtk_widget_remove_css_class (self->step_labels[i], "dim-label");
      gtk_widget_add_css_class (self->step_labels[i], i == index ? "accent" : "dim-label");
    }

  switch (self->step)
    {
    case TW_KEY_STEP_NONE:
      heading = _("Prepare a new key");
      body = _("The new key goes straight into the keyring as pending. Nothing changes on "
               "the server, and the console keeps using the key it has.");
      next = _("_Store New Key");
      break;
    case TW_KEY_STEP_PREPARED:
      heading = _("Give the server the new key");
      body = managed ? _("The console adds the new key to the service’s .env file (the old "
                         "one stays valid) and runs its restart command.")
                     : _("Make this change on the server, then say it is done. The old key "
                         "stays valid.");
      next = managed ? _("_Edit .env and Restart") : _("I _Made the Change");
      break;
    case TW_KEY_STEP_ADDED:
      heading = _("Prove the new key works");
      body = _("A read request with the new key alone: it must be accepted before the "
               "console uses it.");
      next = _("_Prove New Key");
      break;
    case TW_KEY_STEP_PROVEN:
      heading = _("Use the new key");
      body = _("The console switches to the new key. The old one stays in the keyring until "
               "the grace period ends, for clients that still use it.");
      next = _("_Use New Key");
      break;
    case TW_KEY_STEP_GRACE:
      heading = _("Grace period");
      body = managed ? _("Both keys are valid. When the clients have moved to the new key, the "
                         "console removes the old one from the .env file and restarts.")
                     : _("Both keys are valid. When the clients have moved to the new key, "
                         "remove the old one on the server, then say it is done.");
      next = managed ? _("_Remove Old Key") : _("I _Removed the Old Key");
      break;
    case TW_KEY_STEP_REMOVED:
      heading = _("Prove the old key is refused");
      body = _("A request with the old key must be refused (401 or 403). Only then is it "
               "deleted from the keyring.");
      next = _("_Prove Old Key Refused");
      break;
    case TW_KEY_STEP_DONE:
    default:
      heading = _("Rotation complete");
      body = _("The new key is in use, the old key is refused by the service and deleted "
               "from the keyring.");
      next = _("_Close");
      break;
    }
  gtk_label_set_label (self->heading_label, heading);
  gtk_label_set_label (self->body_label, body);
  gtk_button_set_label (self->next_button, next);

  gtk_widget_set_visible (GTK_WIDGET (self->paste_group), self->step == TW_KEY_STEP_NONE);
  gtk_widget_set_visible (GTK_WIDGET (self->key_group), info != NULL);
  if (info != NULL)
    {
      gboolean promoted = self->step >= TW_KEY_STEP_GRACE;

      adw_action_row_set_subtitle (self->old_row, info->old_tail != NULL ? info->old_tail : "");
      adw_action_row_set_subtitle (self->new_row, info->new_tail != NULL ? info->new_tail : "");
      /* After promotion the console uses the new key; the old one waits to be retired. */
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->old_row),
                                     promoted ? _("Old key, kept until it is retired") : _("Key in use"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->new_row),
                                     promoted ? _("Key in use (new)") : _("New key"));
      gtk_widget_set_visible (GTK_WIDGET (self->old_row), self->step != TW_KEY_STEP_DONE);
      gtk_widget_set_visible (GTK_WIDGET (self->grace_row), self->step >= TW_KEY_STEP_GRACE &&
                                                            self->step != TW_KEY_STEP_DONE);
      if (self->step >= TW_KEY_STEP_GRACE)
        {
          g_autofree char *left = format_left (info->grace_until_us);

          adw_action_row_set_subtitle (self->grace_row, left);
        }
      g_free (self->problem);
      self->problem = g_strdup (info->problem);
      self->still_accepted = info->still_accepted;
    }
  else
    g_clear_pointer (&self->problem, g_free);

  server = managed ? NULL
                   : tw_keys_dup_server_step (self->keys, self->service_id, self->secret, FALSE, &error);
  gtk_widget_set_visible (GTK_WIDGET (self->server_group), server != NULL);
  gtk_label_set_label (self->server_label, server != NULL ? server : "");
  gtk_widget_set_visible (GTK_WIDGET (self->output_group), self->output != NULL && *self->output != '\0');
  gtk_label_set_label (self->output_label, self->output != NULL ? self->output : "");

  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), self->problem != NULL);
  gtk_label_set_label (self->problem_label, self->problem != NULL ? self->problem : "");
  if (self->still_accepted)
    gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "title-3");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "title-3");

  gtk_widget_set_visible (self->cancel_button, self->step != TW_KEY_STEP_NONE &&
                                               self->step != TW_KEY_STEP_DONE &&
                                               self->step != TW_KEY_STEP_REMOVED);
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "rotation.next", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "rotation.cancel", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "rotation.copy", !self->busy && server != NULL);
}

static void
step_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TwKeyRotationDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  tw_keys_step_finish (TW_KEYS (source), result, &output, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  g_free (self->output);
  self->output = g_steal_pointer (&output);
  refresh (self);
  if (error != NULL && self->problem == NULL)
    {
      /* errors that did not reach the rotation (nothing open yet) */
      self->problem = g_strdup (error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->problem_label), TRUE);
      gtk_label_set_label (self->problem_label, self->problem);
    }
}

static void
wipe_pasted (TwKeyRotationDialog *self)
{
  if (self->pasted != NULL)
    {
      memset (self->pasted, 0, strlen (self->pasted));
      g_clear_pointer (&self->pasted, g_free);
    }
}

static void
guard_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TwKeyRotationDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwGuardRequest) request = g_steal_pointer (&self->request);

  if (!tw_guard_confirm_finish (result, &error))
    {
      wipe_pasted (self);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->busy = FALSE;
      refresh (self);
      return;
    }
  tw_keys_prepare_async (self->keys, self->service_id, self->secret,
                         self->pasted != NULL && *self->pasted != '\0' ? self->pasted : NULL,
                         request,
                         self->cancellable, step_done_cb, g_object_ref (self));
  wipe_pasted (self);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TwKeyRotationDialog *self = TW_KEY_ROTATION_DIALOG (widget);

  if (self->busy)
    return;
  if (self->step == TW_KEY_STEP_DONE)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  self->busy = TRUE;
  g_clear_pointer (&self->problem, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), FALSE);
  if (self->step == TW_KEY_STEP_NONE)
    {
      g_autofree char *target = g_strdup_printf ("%s/%s", self->service_id, self->secret);
      g_autoptr(TwGuardRequest) request =
        tw_guard_request_new ("keys.rotate", target, tw_keys_get_profile_name (self->keys),
                              tw_keys_get_mode (self->keys));
      GtkWidget *guard;

      wipe_pasted (self);
      self->pasted = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->paste_entry)));
      gtk_editable_set_text (GTK_EDITABLE (self->paste_entry), "");
      g_set_object (&self->request, request);
      guard = tw_guard_confirm_async (GTK_WINDOW (self), request, NULL, self->service_id,
                                      self->cancellable, guard_done_cb, g_object_ref (self));
      g_set_weak_pointer (&self->guard_dialog, guard);
    }
  else
    tw_keys_advance_async (self->keys, self->service_id, self->secret, self->cancellable,
                           step_done_cb, g_object_ref (self));
  refresh (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TwKeyRotationDialog *self = TW_KEY_ROTATION_DIALOG (widget);

  if (self->busy)
    return;
  self->busy = TRUE;
  tw_keys_cancel_async (self->keys, self->service_id, self->secret, self->cancellable,
                        step_done_cb, g_object_ref (self));
  refresh (self);
}

/* Copy: the real text, read from the keyring in a worker; the clipboard is cleared after
 * 60 s if it still holds it, even when the dialog is gone. */

typedef struct
{
  GdkClipboard *clipboard;
  GdkContentProvider *provider;
} ClipboardClear;

static gboolean
clear_clipboard_cb (gpointer user_data)
{
  ClipboardClear *c = user_data;

  if (gdk_clipboard_get_content (c->clipboard) == c->provider)
    gdk_clipboard_set_text (c->clipboard, "");
  g_object_unref (c->clipboard);
  g_object_unref (c->provider);
  g_free (c);
  return G_SOURCE_REMOVE;
}

static void
reveal_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TwKeyRotationDialog *self = source;
  GError *error = NULL;
  char *text = tw_keys_dup_server_step (self->keys, self->service_id, self->secret, TRUE, &error);

  if (text == NULL && error == NULL)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no step to copy now"));
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, g_free);
}

static void
revealed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TwKeyRotationDialog *self = TW_KEY_ROTATION_DIALOG (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_task_propagate_pointer (G_TASK (result), &error);
  ClipboardClear *c;

  if (text == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  c = g_new0 (ClipboardClear, 1);
  c->clipboard = g_object_ref (gtk_widget_get_clipboard (GTK_WIDGET (self)));
  c->provider = gdk_content_provider_new_typed (G_TYPE_STRING, text);
  gdk_clipboard_set_content (c->clipboard, c->provider);
  memset (text, 0, strlen (text));
  g_timeout_add_seconds (CLIPBOARD_CLEAR_S, clear_clipboard_cb, c);
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (_("Copied with the real keys: the clipboard is "
                                                "cleared in 60 seconds")));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TwKeyRotationDialog *self = TW_KEY_ROTATION_DIALOG (widget);
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, revealed_cb, NULL);

  g_task_run_in_thread (task, reveal_thread);
}

static gboolean
tick_cb (gpointer user_data)
{
  TwKeyRotationDialog *self = user_data;

  if (!self->busy)
    refresh (self);
  return G_SOURCE_CONTINUE;
}

static void
keys_changed_cb (TwKeyRotationDialog *self,
                 const char          *service_id,
                 const char          *secret)
{
  if (!self->busy && g_strcmp0 (service_id, self->service_id) == 0 &&
      g_strcmp0 (secret, self->secret) == 0)
    refresh (self);
}

static void
tw_key_rotation_dialog_dispose (GObject *object)
{
  TwKeyRotationDialog *self = TW_KEY_ROTATION_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick, g_source_remove);
  g_clear_weak_pointer (&self->guard_dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_KEY_ROTATION_DIALOG);

  G_OBJECT_CLASS (tw_key_rotation_dialog_parent_class)->dispose (object);
}

static void
tw_key_rotation_dialog_finalize (GObject *object)
{
  TwKeyRotationDialog *self = TW_KEY_ROTATION_DIALOG (object);

  g_clear_object (&self->keys);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->request);
  g_free (self->service_id);
  g_free (self->service_name);
  g_free (self->secret);
  g_free (self->secret_label);
  g_free (self->output);
  g_free (self->problem);
  wipe_pasted (self);

  G_OBJECT_CLASS (tw_key_rotation_dialog_parent_class)->finalize (object);
}

static void
tw_key_rotation_dialog_class_init (TwKeyRotationDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_key_rotation_dialog_dispose;
  object_class->finalize = tw_key_rotation_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-key-rotation-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, steps_box);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, body_label);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, key_group);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, old_row);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, new_row);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, grace_row);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, paste_group);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, paste_entry);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, server_group);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, server_label);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, copy_button);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, output_group);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, output_label);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, TwKeyRotationDialog, next_button);

  gtk_widget_class_install_action (widget_class, "rotation.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "rotation.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "rotation.copy", NULL, copy_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tw_key_rotation_dialog_init (TwKeyRotationDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  for (guint i = 0; i < G_N_ELEMENTS (step_titles); i++)
    {
      g_autofree char *text = g_strdup_printf ("%u %s", i + 1, _(step_titles[i]));

      if (i > 0)
        {
          GtkWidget *sep = gtk_label_new ("›");

          gtk_widget_add_css_class (sep, "dim-label");
          gtk_box_append (self->steps_box, sep);
        }
      self->step_labels[i] = gtk_label_new (text);
      gtk_widget_add_css_class (self->step_labels[i], "heading");
      gtk_box_append (self->steps_box, self->step_labels[i]);
    }
}

GtkWidget *
tw_key_rotation_dialog_new (TwKeys     *keys,
                            const char *service_id,
                            const char *service_name,
                            const char *secret,
                            const char *secret_label)
{
  TwKeyRotationDialog *self;

  g_return_val_if_fail (TW_IS_KEYS (keys), NULL);

  self = g_object_new (TW_TYPE_KEY_ROTATION_DIALOG, NULL);
  self->keys = g_object_ref (keys);
  self->service_id = g_strdup (service_id);
  self->service_name = g_strdup (service_name);
  self->secret = g_strdup (secret);
  self->secret_label = g_strdup (secret_label);
  g_signal_connect_object (keys, "changed", G_CALLBACK (keys_changed_cb), self, G_CONNECT_SWAPPED);
  self->tick = g_timeout_add_seconds (60, tick_cb, self);
  refresh (self);
  return GTK_WIDGET (self);
}

TwKeyStep
tw_key_rotation_dialog_get_step (TwKeyRotationDialog *self)
{
  return self->step;
}

gboolean
tw_key_rotation_dialog_is_busy (TwKeyRotationDialog *self)
{
  return self->busy;
}

const char *
tw_key_rotation_dialog_get_heading (TwKeyRotationDialog *self)
{
  return gtk_label_get_label (self->heading_label);
}

const char *
tw_key_rotation_dialog_get_server_text (TwKeyRotationDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->server_group))
           ? gtk_label_get_label (self->server_label) : NULL;
}

const char *
tw_key_rotation_dialog_get_problem (TwKeyRotationDialog *self)
{
  return self->problem;
}

void
tw_key_rotation_dialog_set_pasted (TwKeyRotationDialog *self,
                                   const char          *key)
{
  gtk_editable_set_text (GTK_EDITABLE (self->paste_entry), key);
}

GtkWidget *
tw_key_rotation_dialog_get_guard_dialog (TwKeyRotationDialog *self)
{
  return self->guard_dialog;
}
