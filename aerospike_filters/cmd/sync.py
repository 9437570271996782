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

"""``aerospike-filters sync``: publish a host's backend into aggregates."""

import json
import sys

from cliff import show
from osc_lib.cli import format_columns

from aerospike_filters import cli
from aerospike_filters import cloud
from aerospike_filters.sync import apply
from aerospike_filters.sync import plan as sync_plan


def read_report(path):
    """The probe's JSON report from a file or '-' (stdin), or CommandError."""
    try:
        if path == '-':
            report = json.load(sys.stdin)
        else:
            with open(path, encoding='utf-8') as stream:
                report = json.load(stream)
    except OSError as exc:
        raise cli.CommandError('%s: cannot read probe report: %s'
                               % (path, exc.strerror or exc))
    except ValueError as exc:
        raise cli.CommandError('%s: not a JSON probe report: %s'
                               % (path, exc))
    if not isinstance(report, dict) or not isinstance(
            report.get('host'), str):
        raise cli.CommandError("%s: a probe report needs 'host' and "
                               "'ephemeral_backend'" % path)
    return report


class Sync(cli.CommandBase, show.ShowOne):
    """Put this host in the aggregate of its ephemeral backend, and only it.

    The backend comes from a probe report (--report), is given (--backend),
    or, by default, is probed on this host now (--nova-conf, --root).

    The host leaves every other aerospike-backend-* aggregate first, then
    joins aerospike-backend-<backend> (created with metadata
    <ephemeral_backend_key>=<backend> when missing; the key comes from the
    scheduler's nova.conf given with --config-file). Idempotent; needs
    admin credentials from clouds.yaml, OS_CLOUD or OS_* variables.

    Exit status 1 when aggregates sync does not manage disagree with the
    backend, so the filter keeps rejecting the host until an admin fixes
    them (the conflicts column says how).
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            '--report', metavar='<file>',
            help="the probe's JSON report ('-' reads standard input)")
        source.add_argument(
            '--backend', metavar='<backend>',
            help='publish this backend instead of a probe report')
        cli.add_probe_arguments(parser)
        parser.add_argument('--host', metavar='<host>',
                            help="compute host name (default: the report's "
                                 'host)')
        cli.add_cloud_argument(parser)
        cli.add_config_file_argument(parser)
        parser.add_argument('--dry-run', action='store_true',
                            help='print the plan, change nothing')
        parser.add_argument('--traits', action='store_true',
                            help='also set the trait CUSTOM_AEROSPIKE_'
                                 'BACKEND_<BACKEND> on the resource provider')
        parser.add_argument('--retries', metavar='<count>', type=int,
                            default=5,
                            help='attempts per API call on transient '
                                 'errors, with exponential backoff '
                                 '(default 5)')
        parser.add_argument('--node', metavar='<node>',
                            help='resource provider (hypervisor hostname) '
                                 'for --traits (default: the host)')
        return parser

    def take_action(self, args):
        host, backend = self._host_and_backend(args)
        if args.retries < 1:
            raise cli.CommandError('--retries must be 1 or more')
        settings = cli.settings_from_files(args.config_file)
        conn = cli.connect(self, args.os_cloud)
        outcome, traits = self._publish(conn, args, settings, host, backend)
        self._tell_what_happened(args, outcome)
        self.needs_attention = bool(outcome.conflicts) and not args.dry_run
        columns = ('host', 'ephemeral_backend', 'aggregate', 'changed',
                   'dry_run', 'steps', 'conflicts')
        data = (host, backend,
                sync_plan.aggregate_name(backend) if backend else None,
                bool(outcome.steps) and not args.dry_run, args.dry_run,
                format_columns.ListColumn(s.command for s in outcome.steps),
                format_columns.ListColumn(
                    s.command for s in outcome.conflicts))
        if traits is not None:
            columns += ('traits',)
            data += (format_columns.ListColumn(traits),)
        return columns, data

    @staticmethod
    def _host_and_backend(args):
        """The host and its canonical backend, from the chosen source."""
        if args.report:
            report = read_report(args.report)
            host = args.host or report['host']
            backend = report.get('ephemeral_backend')
        elif args.backend:
            host, backend = args.host, args.backend
            if not host:
                raise cli.CommandError('--backend needs --host')
        else:
            # No report given: probe this host now.
            report = cli.run_probe(args, args.host)
            host = args.host or report['host']
            backend = report['ephemeral_backend']
        if backend is None:
            return host, None
        try:
            return host, sync_plan.canonical_backend(backend)
        except ValueError as exc:
            raise cli.CommandError(str(exc)) from None

    @staticmethod
    def _publish(conn, args, settings, host, backend):
        """Apply (or plan) the aggregate moves and the trait."""
        retry = cloud.Retrying(attempts=args.retries)
        try:
            outcome = apply.Publisher(
                conn, retry=retry,
                backend_key=settings.ephemeral_backend_key).sync(
                    host, backend, dry_run=args.dry_run)
            traits = None
            if args.traits and backend is not None:
                traits = apply.TraitPublisher(conn, retry=retry).publish(
                    args.node or host, backend, dry_run=args.dry_run)
        except cloud.CloudError as exc:
            raise cli.CommandError(str(exc)) from None
        except Exception as exc:
            raise cli.CommandError('sync of %s failed: %s'
                                   % (host, cloud.first_line(exc))) from None
        return outcome, traits

    def _tell_what_happened(self, args, outcome):
        host, backend = outcome.host, outcome.backend
        if not outcome.steps and not args.dry_run:
            self.app.stderr.write(
                '%s: already in %s only; nothing changed\n'
                % (host, sync_plan.aggregate_name(backend) if backend
                   else 'no backend aggregate'))
        if outcome.conflicts:
            self.app.stderr.write(
                '%s: aggregates not managed by sync disagree on the backend; '
                'fix by hand: %s\n' % (host, '; '.join(
                    s.command for s in outcome.conflicts)))
