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

"""``aerospike-filters trait publish`` and ``trait sync-facts``."""

from cliff import lister
from osc_lib.cli import format_columns

from aerospike_filters.client import http
from aerospike_filters.client import resource_providers
from aerospike_filters.cmd import base
from aerospike_filters import live
from aerospike_filters.sync import provider_traits
from aerospike_filters.sync import published_facts
from aerospike_filters import trait_contract

COLUMNS = ('Host', 'Node', 'Traits', 'Added', 'Removed', 'Result')


class PublishTraits(base.CommandBase, lister.Lister):
    """Make every compute node carry the traits of the storage it offers.

    Computes each compute node's CUSTOM_AEROSPIKE_STORAGE traits from
    what the filter reads (aggregate metadata, the host_backends option
    and the NVMe devices placement reports) and makes its resource
    provider carry exactly those of the CUSTOM_AEROSPIKE family, keeping
    every other trait. Flavors that require their trait (flavor create, flavor
    repair) then get only suitable candidates from placement, however many
    hosts the cloud has.

    Idempotent; safe from cron and next to sync --traits on the computes
    (placement's generations serialise the changes). Where the NVMe
    devices are unknown (PCI not in placement), the traits that depend on
    them are left as they are. Exit status 1 when a provider could not be
    changed (each is named on standard error; the others are done).
    """

    report_columns = COLUMNS

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        base.add_cloud_argument(parser)
        base.add_config_file_argument(
            parser, '[aerospike_filters] options and [pci] alias')
        parser.add_argument(
            '--snapshot', metavar='<file>',
            help="take the hosts' facts from this snapshot instead of "
                 'reading them from the cloud (traits are still published '
                 'to the cloud)')
        return _add_run_arguments(parser, 'every host')

    def take_action(self, args):
        settings = base.settings_from_files(args.config_file)
        aliases = base.pci_aliases_from_files(args.config_file)
        # Input errors before credentials: the snapshot is read first.
        data = (base.load_snapshot_file(args.snapshot) if args.snapshot
                else None)
        if data is not None:
            select_hosts(data, args.hosts)
        conn = base.connect(self, args.os_cloud)
        retry = http.Retrying(attempts=args.retries)
        placement = resource_providers.Providers(conn, retry=retry)
        providers = provider_traits.ProviderTraits(conn, retry=retry)
        with base.cloud_errors('Reading the cloud'):
            if data is None:
                data = live.snapshot(conn, placement,
                                     with_flavors=False)
            # One list and one query per managed trait (shared with the
            # snapshot's): providers already right cost no more requests.
            nodes = placement.compute_nodes()
            managed = placement.managed_traits()
        self.source = data.get('description') or 'a live cloud'
        hosts = select_hosts(data, args.hosts)
        wanted = trait_contract.wanted_traits(
            data, settings, aliases or data.get('pci_aliases', []))
        rows, failures = [], []
        for host in hosts:
            node = host.get('nodename', host['host'])
            try:
                uuid = nodes.get(node)
                if uuid is None:
                    raise http.OperationError(
                        'no resource provider named %s in placement (its '
                        'compute node is not registered yet?)' % node)
                change = providers.publish(node, uuid, wanted[host['host']],
                                           dry_run=args.dry_run,
                                           managed=managed.get(node, []))
            except http.CloudError as exc:
                failures.append('%s: %s' % (host['host'], exc))
                rows.append((host['host'], node, '', '', '',
                             'failed: %s' % http.first_line(exc)))
                continue
            rows.append(_row(host['host'], change, args.dry_run))
        for failure in failures:
            self.app.stderr.write(failure + '\n')
        self.needs_attention = bool(failures)
        return COLUMNS, rows


def _add_run_arguments(parser, default):
    """--host (repeatable), --dry-run and --retries."""
    parser.add_argument(
        '--host', metavar='<host>', action='append', default=[],
        dest='hosts', help='only this compute host; repeat for several '
                           '(default: %s)' % default)
    parser.add_argument('--dry-run', action='store_true',
                        help='show the changes, make none')
    base.add_retries_argument(parser)
    return parser


def select_hosts(data, names):
    """The snapshot hosts named (all when none are), or CommandError."""
    if not names:
        return data['hosts']
    known = {host['host']: host for host in data['hosts']}
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise base.CommandError('--host %s: no such nova-compute host'
                                % ', '.join(unknown))
    return [known[name] for name in names]


def _row(host, change, dry_run):
    added = sorted(set(change.after) - set(change.before))
    removed = sorted(set(change.before) - set(change.after))
    result = ('unchanged' if not change.changed else
              'would change' if dry_run else 'changed')
    return (host, change.node, format_columns.ListColumn(change.after),
            format_columns.ListColumn(added),
            format_columns.ListColumn(removed), result)


FACT_COLUMNS = ('Host', 'Node', 'Facts', 'Backend', 'Steps', 'Traits',
                'Result')


class SyncFacts(base.CommandBase, lister.Lister):
    """Follow the facts the computes published through nova's provider config.

    Runs on a controller, with admin credentials (none on the computes:
    each compute's probe --provider-config writes its facts, and its
    nova-compute publishes them on its own resource provider with its own
    placement credential). Moves each host with facts into
    aerospike-backend-<backend> and out of every other backend aggregate
    (as sync does), and makes its compute node carry the tier traits of
    that backend and its NVMe drives (as trait publish does). Hosts
    without facts are left alone.

    A host with conflicting facts (two backends: a stale one left by a
    changed nova.conf) leaves every backend aggregate and its fact traits
    are removed; restart its nova-compute to publish the current ones
    (exit status 1 until then).
    Requests grow with the facts in use and the changes, not with the
    number of hosts. Idempotent; a failure names the provider and the
    fault (exit 1; the other hosts are done) and a rerun converges.
    """

    report_columns = FACT_COLUMNS

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        base.add_cloud_argument(parser)
        base.add_config_file_argument(parser)
        return _add_run_arguments(parser, 'every host with facts')

    def take_action(self, args):
        settings = base.settings_from_files(args.config_file)
        conn = base.connect(self, args.os_cloud)
        run = published_facts.FactsSync(conn, settings,
                                        retry=http.Retrying(
                                            attempts=args.retries),
                                        dry_run=args.dry_run)
        with base.cloud_errors('Reading the cloud'):
            results = run.run(only=set(args.hosts))
        missing = sorted(set(args.hosts) - {r.host for r in results})
        rows, failures = [], []
        for result in results:
            if result.error:
                failures.append(result.error)
                outcome = 'failed: %s' % result.error
            elif result.conflicts:
                outcome = ('would fail closed' if args.dry_run
                           else 'failed closed')
                self.app.stderr.write(
                    ('(dry run) ' if args.dry_run else '') +
                    published_facts.restart_hint(result.host,
                                                 result.conflicts) + '\n')
            elif result.steps:
                outcome = 'would change' if args.dry_run else 'changed'
            else:
                outcome = 'unchanged'
            rows.append((result.host, result.node,
                         format_columns.ListColumn(result.facts),
                         result.backend,
                         format_columns.ListColumn(
                             s.command for s in result.steps),
                         format_columns.ListColumn(result.traits), outcome))
        for host in missing:
            self.app.stderr.write(
                '%s: no facts published; run probe --provider-config before '
                'its nova-compute starts, then restart it\n' % host)
        for failure in failures:
            self.app.stderr.write(failure + '\n')
        # A host failed closed needs its nova-compute restarted.
        self.needs_attention = bool(failures) or any(
            r.conflicts for r in results)
        return FACT_COLUMNS, rows
