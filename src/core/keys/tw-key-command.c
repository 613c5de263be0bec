/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "tw-error.h"
#include "tw-key-command.h"

typedef struct
{
  GSubprocess  *process;
  GInputStream *stdout_pipe;
  GString      *output;
  GCancellable *cancellable;   /* cancelled on timeout or by the caller */
  GSource      *timeout;
  gulong        cancelled_id;
  guint         timeout_s;
  gboolean      timed_out;
  gboolean      read_done;
  gboolean      wait_done;
  char          buffer[4096];
} Run;

static void
run_free (Run *run)
{
  if (run->timeout != NULL)
    {
      g_source_destroy (run->timeout);
      g_source_unref (run->timeout);
    }
  g_clear_object (&run->process);
  g_clear_object (&run->stdout_pipe);
  g_clear_object (&run->cancellable);
  g_string_free (run->output, TRUE);
  g_free (run);
}

static void
child_setup (gpointer user_data)
{
  /* Its own process group, so a timeout kills what it started too. */
  setpgid (0, 0);
}

static void
kill_group (Run *run)
{
  const char *id = run->process != NULL ? g_subprocess_get_identifier (run->process) : NULL;

  if (id != NULL)
    kill (-(pid_t) g_ascii_strtoll (id, NULL, 10), SIGKILL);
}

static void
maybe_finish (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  if (!run->read_done || !run->wait_done)
    return;

  if (run->timed_out)
    error = g_error_new (TW_ERROR, TW_ERROR_TIMEOUT,
                         _("The restart command did not finish within %u s and was stopped"),
                         run->timeout_s);
  else if (g_task_get_cancellable (task) != NULL &&
           g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The restart command was cancelled"));
  else if (!g_subprocess_get_if_exited (run->process))
    error = g_error_new (TW_ERROR, TW_ERROR_FAILED, _("The restart command was killed by signal %d"),
                         g_subprocess_get_term_sig (run->process));
  else if (g_subprocess_get_exit_status (run->process) != 0)
    error = g_error_new (TW_ERROR, TW_ERROR_FAILED, _("The restart command failed (exit status %d)"),
                         g_subprocess_get_exit_status (run->process));

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void read_more (GTask *task);

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      run->read_done = TRUE;
      maybe_finish (task);
      return;
    }
  if (run->output->len < TW_KEY_COMMAND_MAX_OUTPUT)
    g_string_append_len (run->output, run->buffer,
                         MIN ((gsize) n, TW_KEY_COMMAND_MAX_OUTPUT - run->output->len));
  read_more (task);
}

static void
read_more (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  g_input_stream_read_async (run->stdout_pipe, run->buffer, sizeof run->buffer,
                             G_PRIORITY_DEFAULT, run->cancellable, read_cb, task);
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  run->wait_done = TRUE;
  if (run->timeout != NULL)
    {
      g_source_destroy (run->timeout);
      g_clear_pointer (&run->timeout, g_source_unref);
    }
  /* What it started may keep the pipe open: stop reading a little after it exits is not
   * needed, the group is killed on timeout; a clean exit closes the pipe. */
  maybe_finish (task);
}

static gboolean
timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  run->timed_out = TRUE;
  kill_group (run);
  g_cancellable_cancel (run->cancellable);
  g_clear_pointer (&run->timeout, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *cancellable,
                     Run          *run)
{
  kill_group (run);
  g_cancellable_cancel (run->cancellable);
}

void
tw_key_command_run_async (const char * const  *argv,
                          guint                timeout_s,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Run *run = g_new0 (Run, 1);

  g_task_set_source_tag (task, tw_key_command_run_async);
  run->output = g_string_new (NULL);
  run->cancellable = g_cancellable_new ();
  run->timeout_s = timeout_s;
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  if (argv == NULL || argv[0] == NULL || *argv[0] == '\0')
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_INVALID,
                               _("No restart command is set for this service"));
      g_object_unref (task);
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE |
                                        G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  run->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (run->process == NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_FAILED,
                               _("Cannot run the restart command “%s”: %s"), argv[0],
                               error->message);
      g_object_unref (task);
      return;
    }
  /* Nothing to read on its stdin: it gets end of file at once. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (run->process), NULL, NULL);
  run->stdout_pipe = g_object_ref (g_subprocess_get_stdout_pipe (run->process));

  run->timeout = g_timeout_source_new_seconds (MAX (timeout_s, 1));
  g_source_set_callback (run->timeout, timeout_cb, task, NULL);
  g_source_attach (run->timeout, g_main_context_get_thread_default ());
  if (cancellable != NULL)
    run->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                               run, NULL);

  read_more (task);
  g_subprocess_wait_async (run->process, NULL, wait_cb, task);
}

gboolean
tw_key_command_run_finish (GAsyncResult  *result,
                           char         **output,
                           GError       **error)
{
  GTask *task = G_TASK (result);
  Run *run = g_task_get_task_data (task);

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (run->cancelled_id != 0)
    {
      g_cancellable_disconnect (g_task_get_cancellable (task), run->cancelled_id);
      run->cancelled_id = 0;
    }
  if (output != NULL)
    *output = g_utf8_make_valid (run->output->str, run->output->len);
  return g_task_propagate_boolean (task, error);
}
