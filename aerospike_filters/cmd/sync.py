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

from aerospike_filters.client import http
from aerospike_filters.client import hypervisors
from aerospike_filters.client import services
from aerospike_filters.cmd import base
from aerospike_filters.sync import aggregate_plan
from aerospike_filters.sync import apply
from aerospike_filters.sync import provider_traits


def read_report(path):
    """The probe's JSON report from a file or '-' (stdin), or CommandError."""
    try:
        if path == '-':
            report = json.load(sys.stdin)
        else:
            with open(path, encoding='utf-8') as stream:
                report = json.load(stream)
    except OSError as exc:
        raise base.CommandError('%s: cannot read probe report: %s'
                                % (path, exc.strerror or exc))
    except ValueError as exc:
        raise base.CommandError('%s: not a JSON probe report: %s'
                                % (path, exc))
    if not isinstance(report, dict) or not isinstance(
            report.get('host'), str):
        raise base.CommandError("%s: a probe report needs 'host' and "
                                "'ephemeral_backend'" % path)
    return report


class Sync(base.CommandBase, show.ShowOne):
    """Put this host in the aggregate of its ephemeral backend, and only it.

    The backend comes from a probe report (--report), is given (--backend),
    or, by default, is probed on this host now (--nova-conf, --root).

    The host leaves every other aerospike-backend-* aggregate first, then
    joins aerospike-backend-<backend> (created with metadata
    <ephemeral_backend_key>=<backend> when missing; the key comes from the
    scheduler's nova.conf given with --config-file). Idempotent; needs
    admin credentials from clouds.yaml, OS_CLOUD or OS_* variables.

    With --traits, the host's compute node(s) also get the traits of the
    storage they offer (as trait publish computes them, with the NVMe
    passthrough devices the probe found), for placement pre-selection.

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
        base.add_probe_arguments(parser)
        parser.add_argument('--host', metavar='<host>',
                            help="compute host name (default: the report's "
                                 'host)')
        base.add_cloud_argument(parser)
        base.add_config_file_argument(parser)
        parser.add_argument('--dry-run', action='store_true',
                            help='print the plan, change nothing')
        parser.add_argument('--traits', action='store_true',
                            help='also publish the CUSTOM_AEROSPIKE_STORAGE '
                                 "traits on the host's compute node "
                                 'resource provider(s)')
        base.add_retries_argument(parser)
        parser.add_argument('--node', metavar='<node>',
                            help='compute node (hypervisor hostname) for '
                                 "--traits (default: the host's nodes)")
        return parser

    def take_action(self, args):
        host, backend, nvme = self._host_and_backend(args)
        settings = base.settings_from_files(args.config_file)
        conn = base.connect(self, args.os_cloud)
        outcome, traits = self._publish(conn, args, settings, host, backend,
                                        nvme)
        self._tell_what_happened(args, outcome)
        self.needs_attention = bool(outcome.conflicts) and not args.dry_run
        columns = ('host', 'ephemeral_backend', 'aggregate', 'changed',
                   'dry_run', 'steps', 'conflicts')
        data = (host, backend,
                aggregate_plan.aggregate_name(backend) if backend else None,
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
        """(host, canonical backend, NVMe passthrough devices or None)."""
        if args.backend:
            if not args.host:
                raise base.CommandError('--backend needs --host')
            host, backend, nvme = args.host, args.backend, None
        else:
            # A report, or, when none is given, the probe of this host.
            report = (read_report(args.report) if args.report
                      else base.run_probe(args, args.host))
            if args.report and args.host and report['host'] != args.host:
                # On the controller, --host names the compute whose
                # report this is: a report never speaks for another host.
                raise base.CommandError(
                    '%s describes host %r, not --host %s: bring each '
                    "compute's own report" % (args.report, report['host'],
                                              args.host))
            host = args.host or report['host']
            backend = report.get('ephemeral_backend')
            nvme = sum(1 for device in report.get('nvme_devices', [])
                       if device.get('passthrough'))
        if backend is None:
            return host, None, nvme
        try:
            return host, aggregate_plan.canonical_backend(backend), nvme
        except ValueError as exc:
            raise base.CommandError(str(exc)) from None

    @staticmethod
    def _publish(conn, args, settings, host, backend, nvme):
        """Apply (or plan) the aggregate moves, then the traits."""
        retry = http.Retrying(attempts=args.retries)
        key = settings.ephemeral_backend_key
        try:
            if not services.has_compute_service(conn, host, retry):
                raise base.CommandError(
                    '--host %s: nova has no nova-compute service on such a '
                    'host; name it as openstack compute service list '
                    '--service nova-compute shows it' % host)
            publisher = apply.Publisher(conn, retry=retry, backend_key=key)
            outcome = publisher.sync(host, backend, dry_run=args.dry_run)
            traits = None
            if args.traits:
                # What sync read last is current: it re-reads after moves.
                aggregates = publisher.last_read
                if args.dry_run:
                    aggregates = aggregate_plan.aggregates_after(
                        host, backend, aggregates, key)
                nodes = ({args.node: None} if args.node else
                         hypervisors.compute_nodes_of(conn, host) or
                         {host: None})
                changes = provider_traits.publish_host(
                    conn, retry, settings, host, aggregates, nvme, nodes,
                    dry_run=args.dry_run)
                traits = sorted({t for change in changes
                                 for t in change.after})
        except base.CommandError:
            raise
        except http.CloudError as exc:
            raise base.CommandError(str(exc)) from None
        except Exception as exc:
            raise base.CommandError('sync of %s failed: %s'
                                    % (host, http.first_line(exc))) from None
        return outcome, traits

    def _tell_what_happened(self, args, outcome):
        host, backend = outcome.host, outcome.backend
        if not outcome.steps and not args.dry_run:
            self.app.stderr.write(
                '%s: already in %s only; nothing changed\n'
                % (host, aggregate_plan.aggregate_name(backend) if backend
                   else 'no backend aggregate'))
        if outcome.conflicts:
            self.app.stderr.write(
                '%s: aggregates not managed by sync disagree on the backend; '
                'fix by hand: %s\n' % (host, '; '.join(
                    s.command for s in outcome.conflicts)))
