/* SPDX-License-Identifier: GPL-3.0-or-later */
/* memfd_create() */
#define _GNU_SOURCE
#include "config.h"

#include "tw-command.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tw-error.h"

/* One local command: an argv (never a shell line), its input, its output captured, a
 * timeout past which it is killed. Inside the Flatpak sandbox it runs on the host through
 * flatpak-spawn --host (the caller decides whether it may). */

void
tw_command_output_free (TwCommandOutput *output)
{
  if (output == NULL)
    return;
  g_free (output->out);
  g_free (output->err);
  g_free (output);
}

typedef struct
{
  GSubprocess  *process;
  GCancellable *own;          /* cancels the communication on timeout */
  gulong        cancel_id;
  guint         timeout_id;
  gboolean      timed_out;
  guint         timeout_ms;
  char         *program;      /* for messages */
} RunData;

static void
run_data_free (gpointer data)
{
  RunData *run = data;

  g_clear_handle_id (&run->timeout_id, g_source_remove);
  g_clear_object (&run->process);
  g_clear_object (&run->own);
  g_free (run->program);
  g_free (run);
}

static char *
to_text (GBytes *bytes)
{
  gsize size = 0;
  const char *data;

  if (bytes == NULL)
    return g_strdup ("");
  data = g_bytes_get_data (bytes, &size);
  if (size > TW_COMMAND_MAX_OUTPUT)
    size = TW_COMMAND_MAX_OUTPUT;
  return g_utf8_make_valid (data != NULL ? data : "", size);
}

static gboolean
on_timeout (gpointer user_data)
{
  GTask *task = user_data;
  RunData *run = g_task_get_task_data (task);

  run->timeout_id = 0;
  run->timed_out = TRUE;
  g_subprocess_force_exit (run->process);
  g_cancellable_cancel (run->own);
  return G_SOURCE_REMOVE;
}

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *run = g_task_get_task_data (task);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  TwCommandOutput *output;

  g_clear_handle_id (&run->timeout_id, g_source_remove);
  if (run->cancel_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), run->cancel_id);
  run->cancel_id = 0;

  if (!g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &out, &err, &error))
    {
      /* Whatever stopped the talk, the process must not outlive it. */
      g_subprocess_force_exit (run->process);
      if (run->timed_out)
        g_task_return_new_error (task, TW_ERROR, TW_ERROR_TIMEOUT,
                                 _("“%s” did not finish within %u seconds and was stopped."),
                                 run->program, (run->timeout_ms + 999) / 1000);
      else if (g_task_return_error_if_cancelled (task))
        ;
      else
        g_task_return_new_error (task, TW_ERROR, TW_ERROR_FAILED,
                                 _("Could not read the output of “%s”: %s"),
                                 run->program, error->message);
      return;
    }

  if (!g_subprocess_get_if_exited (run->process))
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_FAILED,
                               _("“%s” was ended by signal %d."), run->program,
                               g_subprocess_get_if_signaled (run->process)
                               ? g_subprocess_get_term_sig (run->process) : 0);
      return;
    }

  output = g_new0 (TwCommandOutput, 1);
  output->exit_status = g_subprocess_get_exit_status (run->process);
  output->out = to_text (out);
  output->err = to_text (err);
  g_task_return_pointer (task, output, (GDestroyNotify) tw_command_output_free);
}

static void
on_cancelled (GCancellable *cancellable,
              RunData      *run)
{
  g_cancellable_cancel (run->own);
}

/* The search path the command sees: @prefix's folders first. */
static char *
make_path (const char *prefix)
{
  const char *path = g_getenv ("PATH");

  if (path == NULL || *path == '\0')
    path = "/usr/local/bin:/usr/bin:/bin";
  if (prefix == NULL || *prefix == '\0')
    return g_strdup (path);
  return g_strconcat (prefix, ":", path, NULL);
}

/* The program as found in @path: GSubprocess searches the console's own PATH. */
static char *
find_program (const char *program,
              const char *path)
{
  g_auto(GStrv) dirs = NULL;

  if (strchr (program, '/') != NULL)
    return g_strdup (program);
  dirs = g_strsplit (path, ":", -1);
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *candidate = NULL;

      if (*dirs[i] == '\0')
        continue;
      candidate = g_build_filename (dirs[i], program, NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE) &&
          !g_file_test (candidate, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

/* A memory file holding @text, at its start; -1 with @error. */
static int
input_file (const char  *text,
            GError     **error)
{
  gsize left = strlen (text);
  int fd = memfd_create ("tw-command-input", MFD_CLOEXEC);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
      return -1;
    }
  while (left > 0)
    {
      gssize n = write (fd, text, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;

          close (fd);
          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
          return -1;
        }
      text += n;
      left -= n;
    }
  if (lseek (fd, 0, SEEK_SET) != 0)
    {
      int saved = errno;

      close (fd);
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
      return -1;
    }
  return fd;
}

void
tw_command_run_async (const TwCommandSpec *spec,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int input_fd = -1;
  /* INHERIT_FDS lets GLib spawn with posix_spawn (a vfork) instead of fork(): a fork of
   * the console copies its page tables with the address space locked, which stalled the
   * main loop 20-30 ms at every status probe. The console opens its descriptors
   * close-on-exec (GLib, libsoup, SQLite), so none is inherited in fact. */
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                           G_SUBPROCESS_FLAGS_INHERIT_FDS;
  RunData *run;

  g_return_if_fail (spec != NULL && spec->argv != NULL && spec->argv[0] != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_command_run_async);
  g_task_set_name (task, "[tw-command] run");

  run = g_new0 (RunData, 1);
  run->program = g_strdup (spec->argv[0]);
  run->timeout_ms = spec->timeout_ms != 0 ? spec->timeout_ms : TW_COMMAND_DEFAULT_TIMEOUT_MS;
  g_task_set_task_data (task, run, run_data_free);

  path = make_path (spec->path_prefix);
  argv = g_ptr_array_new_with_free_func (g_free);
  if (spec->on_host)
    {
      /* The host's own PATH, with the prefix, and a fixed locale: the sandbox's
       * environment is not the host's. */
      g_ptr_array_add (argv, g_strdup ("flatpak-spawn"));
      g_ptr_array_add (argv, g_strdup ("--host"));
      g_ptr_array_add (argv, g_strdup ("--env=LC_ALL=C"));
      if (spec->path_prefix != NULL && *spec->path_prefix != '\0')
        g_ptr_array_add (argv, g_strconcat ("--env=PATH=", spec->path_prefix,
                                            ":/usr/local/bin:/usr/bin:/bin", NULL));
      /* As tw_host_command_argv(): the host process ends if the console leaves the
       * bus, and a program is never taken for one of flatpak-spawn's options. */
      g_ptr_array_add (argv, g_strdup ("--watch-bus"));
      g_ptr_array_add (argv, g_strdup ("--"));
      g_ptr_array_add (argv, g_strdup (spec->argv[0]));
    }
  else
    {
      char *program = find_program (spec->argv[0], path);

      if (program == NULL)
        {
          g_task_return_new_error (task, TW_ERROR, TW_ERROR_NOT_FOUND,
                                   _("The command “%s” was not found. Install it, or set "
                                     "the service's CommandPath in the profile."),
                                   spec->argv[0]);
          return;
        }
      g_ptr_array_add (argv, program);
    }
  for (guint i = 1; spec->argv[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (spec->argv[i]));
  g_ptr_array_add (argv, NULL);

  /* The input is a memory file, not a pipe: a command that exits without reading it
   * (a crontab refusing to install) must not turn its own message into our EPIPE. */
  if (spec->input != NULL)
    {
      input_fd = input_file (spec->input, &error);
      if (input_fd < 0)
        {
          g_task_return_new_error (task, TW_ERROR, TW_ERROR_FAILED, _("Could not run “%s”: %s"),
                                   spec->argv[0], error->message);
          return;
        }
    }
  else
    flags |= G_SUBPROCESS_FLAGS_STDIN_INHERIT;

  launcher = g_subprocess_launcher_new (flags);
  if (input_fd >= 0)
    g_subprocess_launcher_take_stdin_fd (launcher, input_fd);
  g_subprocess_launcher_setenv (launcher, "PATH", path, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  run->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  if (run->process == NULL)
    {
      g_task_return_new_error (task, TW_ERROR,
                               g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT)
                               ? TW_ERROR_NOT_FOUND : TW_ERROR_FAILED,
                               _("Could not run “%s”: %s"), spec->argv[0], error->message);
      return;
    }

  run->own = g_cancellable_new ();
  if (cancellable != NULL)
    run->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), run, NULL);
  run->timeout_id = g_timeout_add (run->timeout_ms, on_timeout, task);
  g_subprocess_communicate_async (run->process, NULL, run->own, on_communicated,
                                  g_object_ref (task));
}

/**
 * tw_command_run_finish:
 *
 * Returns: (transfer full): its exit status and output, or %NULL with @error
 */
TwCommandOutput *
tw_command_run_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
