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

"""CHECKS: the table doctor runs, and the admin guide's copy of it."""

import inspect
import os
import re

from aerospike_filters.doctor import checks
from aerospike_filters.doctor import findings
from tests.unit import base
from tests.unit import doctor

GUIDE = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'doc',
                     'source', 'admin', 'troubleshooting.rst')
CHECK_MODULES = ('config_checks', 'cloud_checks', 'trait_checks',
                 'disk_checks', 'rack_checks')


def documented():
    """(check, function, finds) of the guide's table of doctor's checks."""
    with open(GUIDE, encoding='utf-8') as stream:
        lines = stream.read().splitlines()
    header = [i for i, line in enumerate(lines)
              if re.match(r'Check +Function +Finds$', line)]
    assert len(header) == 1, header
    start = header[0] + 2
    end = lines.index(lines[start - 1], start)
    starts = [m.start() for m in re.finditer('=+', lines[start - 1])]
    return [tuple(line[a:b].strip() for a, b in
                  zip(starts, starts[1:] + [None]))
            for line in lines[start:end]]


def row(name, check):
    return (name, '``%s.%s``' % (check.__module__.rpartition('.')[2],
                                 check.__name__),
            inspect.getdoc(check).splitlines()[0])


def examine(context, table=checks.CHECKS):
    """What doctor reports: the findings of the table's checks, settled."""
    found = []
    for _, check in table:
        found += check(context)
    return findings.settle(found, context.scheduler_conf)


class TestTable(base.NovaTestCase):

    def test_the_guide_lists_every_check_in_order(self):
        self.assertEqual([row(name, check) for name, check in checks.CHECKS],
                         documented())

    def test_every_check_is_one_function_of_one_context(self):
        names = [name for name, _ in checks.CHECKS]
        self.assertEqual(len(names), len(set(names)))
        for name, check in checks.CHECKS:
            self.assertIn(check.__module__.rpartition('.')[2],
                          CHECK_MODULES, name)
            self.assertEqual(['context'], list(
                inspect.signature(check).parameters), name)

    def test_every_check_answers_every_context(self):
        """No nova.conf, no cloud, both: each check returns findings."""
        data = base.snapshot({'lvm-1': 'lvm'})
        data['flavors'] = [{'name': 'f', 'extra_specs': {
            'aerospike:storage': 'lvm'}}]
        for conf_text, cloud in ((None, None), (doctor.GOOD_CONF, None),
                                 (None, data), (doctor.GOOD_CONF, data)):
            context = doctor.make_context(self, conf_text, cloud)
            for name, check in checks.CHECKS:
                found = check(context)
                self.assertIsInstance(found, list, name)
                for finding in found:
                    self.assertIsInstance(finding, findings.Finding, name)

    def test_doctor_reports_in_table_order_errors_first(self):
        data = base.snapshot({'lvm-1': 'lvm', 'bare': None}, [{
            'name': 'weird', 'hosts': [],
            'metadata': {'ephemeral_backend': 'floppy'}}])
        data['flavors'] = [{'name': 'raw', 'extra_specs': {
            'aerospike:storage': 'raw'}}]
        context = doctor.make_context(
            self, '[filter_scheduler]\nenabled_filters = ComputeFilter\n',
            data)
        found = examine(context)
        self.assertEqual([
            (findings.ERROR, '[filter_scheduler] available_filters'),
            (findings.ERROR, '[filter_scheduler] enabled_filters'),
            (findings.ERROR, "aggregate 'weird'"),
            (findings.ERROR, "flavor 'raw'"),
            (findings.WARNING, '[filter_scheduler] weight_classes'),
            (findings.WARNING, "host 'bare'"),
            (findings.WARNING, "flavor 'raw'")],
            [f[:2] for f in found])
        # The Edits are settled into the lines that set the options.
        self.assertTrue(all(isinstance(f.fix, str) for f in found))

    def test_without_nova_conf_and_cloud_only_the_notice(self):
        self.assertEqual(
            [(findings.INFO, 'nova.conf')],
            [f[:2] for f in examine(doctor.make_context(self))])
