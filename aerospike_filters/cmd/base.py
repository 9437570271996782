#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""What the commands share, in ``aerospike-filters`` and ``openstack``.

Exit statuses, one-line errors, connections to a live cloud (with
OpenStackClient's own credentials inside ``openstack``), and the choice
of cloud data (live cloud, snapshot file, packaged sample) that
``explain``, ``doctor`` and ``trait publish`` read. Credentials are never
printed.
"""

import argparse
import contextlib
import glob
import logging
import os
import shlex
import sys

from cliff import lister
from osc_lib import exceptions

from aerospike_filters.client import http
from aerospike_filters import conf
from aerospike_filters.scheduler import nova_releases
from aerospike_filters import snapshot_format

#: Exit statuses of every command.
OK = 0
#: doctor found errors or warnings; sync left the host rejected.
FINDINGS = 1
#: A mistake in the input: one line on stderr names it and the fix.
USER_ERROR = 2

CommandError = exceptions.CommandError

#: Read when a command that takes --config-file is given none: on the
#: scheduler's host, the nova.conf holding the plugin's options.
DEFAULT_CONFIG_FILE = '/etc/nova/nova.conf'

CREDENTIALS_HELP = ('pass --os-cloud NAME (a cloud in clouds.yaml) or set '
                    'OS_CLOUD or the OS_* variables')


class CommandBase:
    """Mixin for cliff commands: exit statuses and one-line user errors.

    The same in ``aerospike-filters`` and in ``openstack aerospike``: a
    :class:`CommandError` (or an argument the parser refuses) prints one
    line on stderr and makes the exit status :data:`USER_ERROR`; a command
    that completes but sets :attr:`needs_attention` exits :data:`FINDINGS`.
    """

    # Credentials are needed only for a live cloud: connect() asks for them.
    auth_required = False
    #: Set by take_action: the command did its work, but what it found
    #: needs the admin (doctor's findings, sync leaving a host rejected).
    needs_attention = False
    #: Set by take_action: what the report is about (an endpoint or a
    #: file); every table, JSON and YAML report names it.
    source = None

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)

        def error(message):
            sys.stderr.write('%s: error: %s\n' % (prog_name, message))
            sys.exit(USER_ERROR)

        parser.error = error
        return parser

    #: The columns of the command's report, when known before it runs.
    report_columns = ()

    def _check_columns(self, parsed_args, column_names=None):
        """Refuse -c columns the report does not have, before any work."""
        known = tuple(column_names or self.report_columns) + ('Source',)
        unknown = [c for c in getattr(parsed_args, 'columns', None) or ()
                   if c not in known]
        if unknown and len(known) > 1:
            raise CommandError('-c %s: no such column; the columns are: %s'
                               % (', '.join(unknown), ', '.join(known)))

    def produce_output(self, parsed_args, column_names, data):
        """Refuse unknown -c columns; name the report's source."""
        self._check_columns(parsed_args, column_names)
        formatter = getattr(parsed_args, 'formatter', None)
        if formatter in TEXT_FORMATTERS:
            data = _null_for_none(self, data)
        if self.source and formatter == 'table':
            self.app.stdout.write('Source: %s\n' % self.source)
        elif self.source and formatter in ('json', 'yaml') and \
                not parsed_args.columns:
            column_names = tuple(column_names) + ('Source',)
            data = [tuple(row) + (self.source,) for row in data]
        return super().produce_output(parsed_args, column_names, data)

    def run(self, parsed_args):
        # Before the command imports nova: nova 31 and 32 would patch late.
        nova_releases.never_patch()
        options = getattr(self.app, 'options', None)
        if (getattr(options, 'verbose_level', 1) <= 1 and
                not getattr(options, 'debug', False)):
            # keystoneauth warns of what is retried, or of the failure our
            # one line names; in both doors (openstack's shell too).
            logging.getLogger('keystoneauth').setLevel(logging.ERROR)
        self.needs_attention = False
        self.source = None
        if (getattr(parsed_args, 'config_file', None) == [] and
                os.path.exists(DEFAULT_CONFIG_FILE)):
            parsed_args.config_file = [DEFAULT_CONFIG_FILE] + (
                config_dir_files(DEFAULT_CONFIG_DIR))
        try:
            self._check_columns(parsed_args)
            # Input errors before credentials: nova.conf is read first.
            if getattr(parsed_args, 'config_file', None):
                settings_from_files(parsed_args.config_file)
            status = super().run(parsed_args)
        except CommandError as exc:
            self.app.stderr.write('%s\n' % http.first_line(exc))
            return USER_ERROR
        if status == OK and self.needs_attention:
            return FINDINGS
        return status


#: Formatters that print Python's None as the word "None"; the commands
#: print null there, as JSON and YAML do.
TEXT_FORMATTERS = ('table', 'value', 'csv', 'shell')
NULL = 'null'


def _null_for_none(command, data):
    """The report's cells with null where a value is missing."""
    def row(values):
        return tuple(NULL if v is None else v for v in values)
    if isinstance(command, lister.Lister):
        return [row(values) for values in data]
    return row(data)


# Connections


def add_cloud_argument(parser, required=False):
    parser.add_argument(
        '--os-cloud', metavar='<cloud>', default=None, required=required,
        help='cloud in clouds.yaml (default: the global --os-cloud, else '
             'OS_CLOUD, else the OS_* variables of an openrc, as openstack '
             'reads them)')


def named_cloud(app, cloud_name=None):
    """The cloud the arguments and environment name, as words, or None.

    As openstack reads them (osc-lib's shell, in both doors):
    ``--os-cloud``, else ``OS_CLOUD``, else the ``OS_*`` variables of an
    openrc (``--os-auth-url`` and the like), which openstacksdk calls the
    ``envvars`` cloud. None when there are no credentials at all.
    """
    options = getattr(app, 'options', None)
    name = cloud_name or getattr(options, 'cloud', None)
    if name:
        return 'cloud %r' % name
    if (getattr(getattr(app, 'cloud', None), 'name', None) == 'envvars' or
            getattr(options, 'auth_url', None)):
        return 'the cloud of the OS_* variables'
    return None


def unusable_cloud(name, config):
    """One line: why the cloud ``name`` cannot be used, naming the file.

    :param config: openstacksdk's OpenStackConfig, as osc-lib's shell
        built it (the clouds.yaml files it looked for, the one it read).
    """
    path = getattr(config, 'config_filename', None)
    looked = list(getattr(config, '_config_files', None) or ())
    unreadable = [f for f in looked
                  if os.path.exists(f) and not os.access(f, os.R_OK)]
    if unreadable and (path is None or looked.index(unreadable[0]) <
                       looked.index(path)):
        return ('cloud %r: cannot read %s (permission denied); run as a '
                'user who can read it, or fix its permissions'
                % (name, unreadable[0]))
    if path:
        clouds = sorted(getattr(config, 'cloud_config', {}).get(
            'clouds') or ())
        return ('cloud %r is not in %s (it has: %s); name one of them with '
                '--os-cloud or OS_CLOUD'
                % (name, path, ', '.join(clouds) or 'none'))
    yaml = list(dict.fromkeys(f for f in looked
                              if f.endswith('clouds.yaml'))) or looked
    return ('cloud %r: no clouds.yaml defines it (looked for %s); create '
            'one, or use the OS_* variables of an openrc'
            % (name, ', '.join(yaml) or 'clouds.yaml'))


def connect(command, cloud_name=None):
    """An authenticated openstacksdk Connection, or CommandError.

    Authenticated the way openstack authenticates every command, by the
    shell that runs the command (OpenStackClient's, or the same osc-lib
    shell in aerospike-filters), with its global options (region, TLS,
    interface...). ``cloud_name`` (the command's own --os-cloud) replaces
    the shell's.
    """
    app = command.app
    if cloud_name and cloud_name != getattr(app.options, 'cloud', None):
        app.options.cloud = cloud_name
        if getattr(app, 'cloud_error', None) is not None:
            app.cloud_error = None
    if getattr(app, 'cloud_error', None) is not None:
        # OS_CLOUD or --os-cloud names a cloud clouds.yaml does not have.
        raise app.cloud_error
    where = named_cloud(app) or 'the cloud of OS_CLOUD or the OS_* variables'
    try:
        # The command started without authentication (it may read a
        # snapshot); authenticate now exactly as openstack does for
        # commands that require it.
        command.auth_required = True
        app.prepare_to_run_command(command)
        return app.client_manager.sdk_connection
    except Exception as exc:
        raise CommandError(http.connection_message(
            where, exc, CREDENTIALS_HELP)) from None


@contextlib.contextmanager
def cloud_errors(what):
    """Turn API, auth and connection failures into one-line CommandErrors."""
    try:
        yield
    except Exception as exc:
        message = http.call_message(what, exc)
        if message is None:
            raise
        raise CommandError(message) from None


# The compute's own storage


def add_probe_arguments(parser):
    """Where the probe reads this compute's nova.conf and files."""
    parser.add_argument('--nova-conf', metavar='<file>',
                        default='/etc/nova/nova.conf',
                        help='the nova.conf nova-compute runs with (default: '
                             '/etc/nova/nova.conf); a relative path starts '
                             'at the current directory')
    parser.add_argument('--nova-conf-dir', metavar='<directory>',
                        default='/etc/nova/nova.conf.d',
                        help='directory of further .conf files read after '
                             'it, if it exists')
    parser.add_argument('--root', metavar='<directory>', default='/',
                        help="read every path under this directory (the "
                             "host's root as a container sees it); "
                             '--nova-conf and --nova-conf-dir, made absolute '
                             'first, are read under it too')


def run_probe(args, host=None):
    """The probe's report for the arguments, or CommandError.

    Relative paths start at the current directory, as in any command; with
    --root they are then read under the root like every other path.
    """
    from aerospike_filters.probe import report
    try:
        return report.probe(root=args.root,
                            nova_conf=os.path.abspath(args.nova_conf),
                            nova_conf_dir=os.path.abspath(args.nova_conf_dir),
                            host=host)
    except report.ProbeError as exc:
        raise CommandError(str(exc)) from None


# Cloud data: live, snapshot or the sample


#: Read after DEFAULT_CONFIG_FILE when no --config-file is given, as
#: nova-scheduler reads it (one of oslo.config's default directories).
DEFAULT_CONFIG_DIR = '/etc/nova/nova.conf.d'


def config_dir_files(path):
    """The files oslo.config reads of a --config-dir: ``*.conf``, sorted."""
    return sorted(glob.glob(os.path.join(path, '*.conf')))


class _ConfigDir(argparse.Action):
    """--config-dir: its files join --config-file's, where it stands.

    oslo.config reads --config-file and --config-dir in the order given,
    a directory's ``*.conf`` files in sorted order, a later value winning;
    expanding the directory in place keeps that precedence.
    """

    def __call__(self, parser, namespace, values, option_string=None):
        if not os.path.isdir(values):
            raise argparse.ArgumentError(
                self, '%s is no directory; name the directory of .conf '
                'files nova-scheduler reads (e.g. %s)'
                % (values, DEFAULT_CONFIG_DIR))
        files = list(getattr(namespace, 'config_file', None) or [])
        setattr(namespace, 'config_file', files + config_dir_files(values))


def add_config_file_argument(parser, what='[aerospike_filters] options'):
    parser.add_argument(
        '--config-file', metavar='<file>', action='append', default=[],
        help="the scheduler's nova.conf, for its %s; repeat for several "
             "files (default: %s and the .conf files of %s when it exists, "
             "else the options' defaults)"
             % (what, DEFAULT_CONFIG_FILE, DEFAULT_CONFIG_DIR))
    parser.add_argument(
        '--config-dir', metavar='<directory>', action=_ConfigDir,
        dest='config_file', default=[],
        help="a directory of further .conf files (nova.conf.d), read as "
             "nova-scheduler reads its --config-dir: its .conf files in "
             "sorted order, where it stands among the --config-file "
             "options, a later value winning")


def settings_from_files(paths):
    """The scheduler's ``[aerospike_filters]`` options, or CommandError."""
    try:
        return conf.settings_from_files(paths)
    except conf.ConfigError as exc:
        raise CommandError(str(exc)) from None


def pci_aliases_from_files(paths, strict=True):
    """The scheduler's ``[pci] alias`` entries as dicts, or CommandError."""
    try:
        return conf.pci_aliases_from_files(paths, strict)
    except conf.ConfigError as exc:
        raise CommandError(str(exc)) from None


def add_retries_argument(parser):
    parser.add_argument(
        '--retries', metavar='<count>', type=_positive, default=5,
        help='attempts per API call on transient errors, with exponential '
             'backoff (default 5)')


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError('%r is not 1 or more' % text)
    return value


def add_source_arguments(parser):
    """--snapshot [file] | --os-cloud, and --config-file for nova.conf."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        '--snapshot', metavar='<file>', nargs='?',
        const=snapshot_format.sample_path(),
        help='read the cloud from a JSON snapshot file; alone, the packaged '
             'sample cloud (%s). Default: the live cloud that --os-cloud, '
             'OS_CLOUD or the OS_* variables name, else (no credentials at '
             'all) the sample' % snapshot_format.SAMPLE)
    add_cloud_argument(source)
    add_config_file_argument(
        parser, '[aerospike_filters] options and, unless the snapshot has '
        'pci_aliases, [pci] alias')


def load_snapshot(command, args, with_groups=False):
    """(the cloud's data as a snapshot dict, Connection or None).

    Live when the arguments or environment name a cloud (as openstack
    reads them), else a snapshot file, else the packaged sample, saying so
    on standard error. Sets ``command.source``. ``with_groups``: a live
    cloud's server groups are read too.
    """
    path = args.snapshot
    argv = getattr(command.app, 'command_options', None) or ()
    if path is not None and (args.os_cloud or any(
            word.split('=')[0] == '--os-cloud' for word in argv)):
        # The shell's own --os-cloud, given anywhere on the command line.
        raise CommandError('--snapshot and --os-cloud name two clouds: '
                           'give one (a snapshot file or a live cloud)')
    if path is None and named_cloud(command.app, args.os_cloud):
        from aerospike_filters import live
        conn = connect(command, args.os_cloud)
        with cloud_errors('Reading the cloud'):
            data = live.snapshot(conn, with_groups=with_groups)
        command.source = data.get('description') or 'a live cloud'
        return data, conn
    data = load_snapshot_file(path)
    command.source = 'snapshot %s' % os.path.abspath(
        path or snapshot_format.sample_path())
    if path is None or os.path.samefile(path, snapshot_format.sample_path()):
        command.source = 'the packaged sample cloud, not yours (%s)' % (
            snapshot_format.sample_path())
        command.app.stderr.write(
            'Using the packaged sample cloud (%s): %s\n'
            % ('--snapshot without a file' if path else
               'no --os-cloud, OS_CLOUD or OS_* credentials',
               'name your cloud with --os-cloud or an openrc'))
    return data, None


def load_snapshot_file(path=None):
    """A snapshot file (default: the packaged sample), or CommandError."""
    try:
        return snapshot_format.load(path or snapshot_format.sample_path())
    except snapshot_format.SnapshotError as exc:
        raise CommandError(str(exc)) from None


def load_nova_conf(config_files):
    """Set nova's global CONF up from nova.conf, for nova's scheduler code.

    The files' ``[aerospike_filters]`` options and ``[pci] alias``; a
    command then imports :mod:`aerospike_filters.whatif.replay` itself
    (``use_snapshot_aliases`` there applies a snapshot's aliases). One
    line, not a traceback, when nova is not installed here.
    """
    try:
        from aerospike_filters.whatif import nova_config
        nova_config.load_config(config_files)
    except ImportError as exc:
        if exc.name and exc.name.split('.')[0] == 'nova':
            raise CommandError(
                "this command runs nova's scheduler code and nova is not "
                "installed here: pip install 'aerospike-filters[nova]', or "
                "run it in nova's own environment") from None
        raise
    except conf.ConfigError as exc:
        raise CommandError(str(exc)) from None


def tool_args(app, args):
    """The arguments naming the cloud and nova.conf a command used.

    The fixes a command prints must work as printed: they repeat these.
    """
    cloud = args.os_cloud or getattr(app.options, 'cloud', None)
    words = ['--os-cloud', cloud] if cloud else []
    for path in args.config_file:
        words += ['--config-file', os.path.abspath(path)]
    return ' '.join(shlex.quote(word) for word in words)
