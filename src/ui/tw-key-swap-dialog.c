/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tw-key-swap-dialog.h"
#include "tw-util.h"

struct _TwKeySwapDialog
{
  AdwWindow     parent_instance;

  TwSession    *session;
  char         *service_id;
  GCancellable *cancellable;
  const char   *state;
  gboolean      busy;
  gint64        halted_since;
  gint64        outage_us;
  GPtrArray    *entries;      /* AdwPasswordEntryRow, "tw-secret" data */
  char         *proof_text;   /* what the proof sends, as shown */
  gboolean      gate;         /* a key-gated proof (the live-trading key), not a vendor's */

  GtkLabel     *heading;
  GtkLabel     *body;
  GtkWidget    *form;
  GtkEditable  *reason_entry;
  GtkLabel     *message;
  GtkSpinner   *spinner;
  GtkButton    *button;
};

G_DEFINE_FINAL_TYPE (TwKeySwapDialog, tw_key_swap_dialog, ADW_TYPE_WINDOW)

static gboolean
form_ready (TwKeySwapDialog *self)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (self->reason_entry)));

  if (g_utf8_strlen (reason, -1) < TW_GUARD_MIN_REASON_LENGTH)
    return FALSE;
  for (guint i = 0; i < self->entries->len; i++)
    if (*gtk_editable_get_text (g_ptr_array_index (self->entries, i)) == '\0')
      return FALSE;
  return TRUE;
}

static void
update (TwKeySwapDialog *self)
{
  gboolean paste = g_str_equal (self->state, "paste");
  gboolean done = g_str_equal (self->state, "done");

  gtk_widget_set_visible (self->form, paste);
  gtk_widget_set_visible (GTK_WIDGET (self->message), *gtk_label_get_label (self->message) != '\0');
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_button_set_label (self->button, done ? _("_Close") : paste ? _("_Prove and Swap")
                                                                 : _("_Halt Trading"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->button), !self->busy && (!paste || form_ready (self)));
}

static void
swapped_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TwKeySwapDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 outage = tw_session_swap_keys_finish (TW_SESSION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (error != NULL)
    {
      gtk_label_set_label (self->message, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->message), "error");
    }
  else
    {
      g_autofree char *text = NULL;

      self->outage_us = outage;
      self->state = "done";
      for (guint i = 0; i < self->entries->len; i++)
        gtk_editable_set_text (g_ptr_array_index (self->entries, i), "");
      gtk_label_set_label (self->heading, _("New keys in use"));
      gtk_label_set_label (self->body, _("The new keys are proven and stored. Trading is still "
                                         "halted: resume it on the Breakers page when ready."));
      text = g_strdup_printf (_("Outage since the halt: %.1f s"), outage / (double) G_USEC_PER_SEC);
      gtk_widget_remove_css_class (GTK_WIDGET (self->message), "error");
      gtk_label_set_label (self->message, text);
    }
  update (self);
}

static void
halted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TwKeySwapDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = tw_session_halt_all_finish (TW_SESSION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  self->state = "paste";
  gtk_label_set_label (self->heading, _("Paste the new keys"));
  if (self->gate && tw_keys_get_server_mode (tw_session_get_keys (self->session), self->service_id)
                    == TW_KEY_SERVER_MANAGED)
    gtk_label_set_label (self->body, _("Trading is halted. Generate the new key (the runbook’s "
                                       "“openssl rand -hex 32”) or paste one: the console writes it to the "
                                       "service’s .env, runs its restart command, proves it and only "
                                       "then stores it; a failed proof puts the file back."));
  else if (self->gate)
    gtk_label_set_label (self->body, _("Trading is halted. Put the new key in the service’s .env "
                                       "and restart it, as the runbook says (the old key stops "
                                       "working then), and paste it here: it is proven before it "
                                       "is stored."));
  else
    gtk_label_set_label (self->body, _("Trading is halted. Regenerate the keys in the vendor’s "
                                       "dashboard (the old ones stop working at once) and paste "
                                       "them here: they are proven before they are stored."));
  gtk_label_set_label (self->message, error != NULL ? error->message : "");
  update (self);
}

void
tw_key_swap_dialog_activate (TwKeySwapDialog *self)
{
  if (self->busy)
    return;
  if (g_str_equal (self->state, "done"))
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  self->busy = TRUE;
  if (g_str_equal (self->state, "halt"))
    {
      const char * const ids[] = { self->service_id, NULL };

      self->halted_since = g_get_monotonic_time ();
      tw_session_halt_services_async (self->session, _("Keys are being replaced (no overlap)"), ids,
                                      self->cancellable, halted_cb, g_object_ref (self));
    }
  else
    {
      g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                            tw_str_wipe_free);
      TwProfile *profile = tw_session_get_profile (self->session);
      g_autoptr(TwGuardRequest) request =
        tw_guard_request_new ("keys.rotate", self->service_id, tw_profile_get_name (profile),
                              tw_profile_get_mode (profile));

      tw_guard_request_set_reason (request, gtk_editable_get_text (self->reason_entry));
      for (guint i = 0; i < self->entries->len; i++)
        {
          GtkEditable *entry = g_ptr_array_index (self->entries, i);

          g_hash_table_replace (values, g_object_get_data (G_OBJECT (entry), "tw-secret"),
                                g_strstrip (g_strdup (gtk_editable_get_text (entry))));
        }
      gtk_label_set_label (self->message, "");
      tw_session_swap_keys_async (self->session, self->service_id, values, request,
                                  self->halted_since, self->cancellable, swapped_cb,
                                  g_object_ref (self));
    }
  update (self);
}

static void
tw_key_swap_dialog_dispose (GObject *object)
{
  TwKeySwapDialog *self = TW_KEY_SWAP_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (tw_key_swap_dialog_parent_class)->dispose (object);
}

static void
tw_key_swap_dialog_finalize (GObject *object)
{
  TwKeySwapDialog *self = TW_KEY_SWAP_DIALOG (object);

  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_free (self->service_id);
  g_free (self->proof_text);
  g_ptr_array_unref (self->entries);

  G_OBJECT_CLASS (tw_key_swap_dialog_parent_class)->finalize (object);
}

static void
tw_key_swap_dialog_class_init (TwKeySwapDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tw_key_swap_dialog_dispose;
  object_class->finalize = tw_key_swap_dialog_finalize;
  gtk_widget_class_add_binding_action (GTK_WIDGET_CLASS (klass), GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tw_key_swap_dialog_init (TwKeySwapDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->entries = g_ptr_array_new ();
  self->state = "halt";
}

static void
generate_clicked_cb (GtkButton       *button,
                     TwKeySwapDialog *self)
{
  GtkEditable *row = g_object_get_data (G_OBJECT (button), "tw-row");
  g_autoptr(GError) error = NULL;
  char *key = tw_keys_generate_key (tw_session_get_keys (self->session), self->service_id,
                                    g_object_get_data (G_OBJECT (row), "tw-secret"), &error);

  if (key == NULL)
    {
      gtk_label_set_label (self->message, error->message);
      update (self);
      return;
    }
  gtk_editable_set_text (row, key);
  tw_str_wipe_free (key);
}

gboolean
tw_key_swap_dialog_generate (TwKeySwapDialog *self,
                             const char      *secret)
{
  g_return_val_if_fail (TW_IS_KEY_SWAP_DIALOG (self), FALSE);

  for (guint i = 0; i < self->entries->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "tw-secret"), secret) != 0)
        continue;
      if (g_object_get_data (G_OBJECT (row), "tw-generate") != NULL)
        {
          g_signal_emit_by_name (g_object_get_data (G_OBJECT (row), "tw-generate"), "clicked");
          return TRUE;
        }
    }
  return FALSE;
}

GtkWidget *
tw_key_swap_dialog_new (TwSession  *session,
                        const char *service_id)
{
  TwKeySwapDialog *self = g_object_new (TW_TYPE_KEY_SWAP_DIALOG, NULL);
  TwClient *client = tw_workspace_get_client (tw_session_get_workspace (session), service_id);
  GPtrArray *specs = client != NULL ? tw_connector_get_secrets (tw_client_get_connector (client)) : NULL;
  const char *name = tw_profile_get_service_name (tw_session_get_profile (session), service_id);
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *reason = adw_entry_row_new ();
  g_autofree char *body = NULL;

  self->session = g_object_ref (session);
  self->service_id = g_strdup (service_id);
  gtk_window_set_title (GTK_WINDOW (self), _("Replace Keys"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 620, 560);

  gtk_box_append (GTK_BOX (outer), adw_header_bar_new ());
  g_object_set (box, "margin-start", 18, "margin-end", 18, "margin-top", 18, "margin-bottom", 18, NULL);
  self->heading = GTK_LABEL (gtk_label_new (_("No overlap: halt first")));
  gtk_label_set_xalign (self->heading, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->heading), "title-2");
  body = g_strdup_printf (_("%s accepts one set of keys at a time: regenerating them invalidates "
                            "the old ones at once. Halt its trading first, then regenerate and paste "
                            "the new keys; the console proves them and swaps them in, and measures "
                            "the outage."), name);
  self->body = GTK_LABEL (gtk_label_new (body));
  gtk_label_set_xalign (self->body, 0);
  gtk_label_set_wrap (self->body, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->heading));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->body));

  self->form = adw_preferences_group_new ();
  for (guint i = 0; specs != NULL && i < specs->len; i++)
    {
      const TwSecretSpec *spec = g_ptr_array_index (specs, i);
      GtkWidget *row;

      if (spec->prove_operation == NULL || spec->rotate_overlap)
        continue;
      row = adw_password_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_dgettext (GETTEXT_PACKAGE, spec->label));
      g_object_set_data_full (G_OBJECT (row), "tw-secret", g_strdup (spec->name), g_free);
      if (spec->rotate_bytes > 0)
        {
          /* The runbook's "openssl rand -hex 32", by the console: straight into the form */
          GtkWidget *generate = gtk_button_new_with_mnemonic (_("_Generate"));

          gtk_widget_set_valign (generate, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (generate, _("A new key from /dev/urandom, as the runbook makes it"));
          g_object_set_data (G_OBJECT (generate), "tw-row", row);
          g_object_set_data (G_OBJECT (row), "tw-generate", generate);
          g_signal_connect (generate, "clicked", G_CALLBACK (generate_clicked_cb), self);
          adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), generate);
        }
      g_signal_connect_swapped (row, "changed", G_CALLBACK (update), self);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->form), row);
      g_ptr_array_add (self->entries, row);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (reason), _("Reason (at least 10 characters)"));
  self->reason_entry = GTK_EDITABLE (reason);
  g_signal_connect_swapped (reason, "changed", G_CALLBACK (update), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->form), reason);
  gtk_box_append (GTK_BOX (box), self->form);

  /* Before anything is sent: exactly what the proof will send, and what each answer
   * must be (the live-trading key's gate: three calls). */
  for (guint i = 0; specs != NULL && i < specs->len; i++)
    {
      const TwSecretSpec *spec = g_ptr_array_index (specs, i);
      g_autofree char *proof = NULL;
      GtkWidget *label;

      if (spec->prove_operation == NULL || spec->rotate_overlap)
        continue;
      proof = tw_keys_describe_proof (tw_session_get_keys (session), service_id, spec->name);
      if (proof == NULL)
        continue;
      label = gtk_label_new (NULL);
      {
        g_autofree char *text = g_strdup_printf (_("The proof of the %s sends: %s"),
                                                 g_dgettext (GETTEXT_PACKAGE, spec->label), proof);

        gtk_label_set_label (GTK_LABEL (label), text);
      }
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_name (label, "tw-proof");
      gtk_box_append (GTK_BOX (box), label);
      g_free (self->proof_text);
      self->proof_text = g_strdup (gtk_label_get_label (GTK_LABEL (label)));
      self->gate |= spec->prove_gate;
    }

  if (self->gate)
    {
      g_autofree char *gate_body =
        g_strdup_printf (_("%s takes one live-trading key at a time: the runbook replaces "
                           "LIVE_TRADING_KEY in its .env and restarts it, which refuses the old "
                           "key at once. Halt its trading first, then put the new key on the "
                           "server and paste it here; the console proves it with the key-gated "
                           "call below and swaps it in, and measures the outage."), name);

      gtk_label_set_label (self->body, gate_body);
    }

  self->message = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_xalign (self->message, 0);
  gtk_label_set_wrap (self->message, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->message), "heading");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->message));

  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (outer), scrolled);
  g_object_set (bar, "margin-start", 18, "margin-end", 18, "margin-bottom", 18, NULL);
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->spinner), TRUE);
  gtk_widget_set_halign (GTK_WIDGET (self->spinner), GTK_ALIGN_END);
  self->button = GTK_BUTTON (gtk_button_new ());
  gtk_button_set_use_underline (self->button, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->button), "suggested-action");
  g_signal_connect_swapped (self->button, "clicked", G_CALLBACK (tw_key_swap_dialog_activate), self);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->spinner));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->button));
  gtk_box_append (GTK_BOX (outer), bar);
  adw_window_set_content (ADW_WINDOW (self), outer);
  update (self);
  return GTK_WIDGET (self);
}

void
tw_key_swap_dialog_set_value (TwKeySwapDialog *self,
                              const char      *secret,
                              const char      *value)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      GtkEditable *entry = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (entry), "tw-secret"), secret) == 0)
        gtk_editable_set_text (entry, value);
    }
}

void
tw_key_swap_dialog_set_reason (TwKeySwapDialog *self,
                               const char      *reason)
{
  gtk_editable_set_text (self->reason_entry, reason);
}

gboolean
tw_key_swap_dialog_is_busy (TwKeySwapDialog *self)
{
  return self->busy;
}

gboolean
tw_key_swap_dialog_can_go_on (TwKeySwapDialog *self)
{
  return gtk_widget_get_sensitive (GTK_WIDGET (self->button));
}

const char *
tw_key_swap_dialog_get_state (TwKeySwapDialog *self)
{
  return self->state;
}

const char *
tw_key_swap_dialog_get_message (TwKeySwapDialog *self)
{
  return gtk_label_get_label (self->message);
}

gint64
tw_key_swap_dialog_get_outage_us (TwKeySwapDialog *self)
{
  return self->outage_us;
}

const char *
tw_key_swap_dialog_get_proof_text (TwKeySwapDialog *self)
{
  g_return_val_if_fail (TW_IS_KEY_SWAP_DIALOG (self), NULL);
  return self->proof_text;
}
