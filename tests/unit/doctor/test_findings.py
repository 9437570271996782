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

"""Findings, their order, and the fixes that set an option whole."""

from oslotest import base

from aerospike_filters.doctor import findings


def finding(severity, fix='run it'):
    return findings.Finding(severity, 'thing', 'is wrong', fix)


class TestFindings(base.BaseTestCase):

    def test_by_severity_is_stable_errors_first(self):
        info, warning = finding(findings.INFO), finding(findings.WARNING)
        error1, error2 = finding(findings.ERROR, 'a'), finding(
            findings.ERROR, 'b')
        self.assertEqual([error1, error2, warning, info],
                         findings.by_severity([info, error1, warning,
                                               error2]))

    def test_needs_attention_unless_only_information(self):
        self.assertFalse(findings.needs_attention([]))
        self.assertFalse(findings.needs_attention([finding(findings.INFO)]))
        self.assertTrue(findings.needs_attention(
            [finding(findings.INFO), finding(findings.WARNING)]))

    def test_set_option_joins_lists(self):
        self.assertEqual(
            'in nova.conf, [filter_scheduler] enabled_filters = A,B; then '
            'restart nova-scheduler',
            findings.set_option('filter_scheduler', 'enabled_filters',
                                ['A', 'B']))

    def test_tool_appends_the_arguments_or_nothing(self):
        self.assertEqual('aerospike-filters trait publish',
                         findings.tool('trait publish', ''))
        self.assertEqual(
            "aerospike-filters trait publish --os-cloud 'my cloud'",
            findings.tool('trait publish', "--os-cloud 'my cloud'"))

    def test_settle_folds_every_change_of_an_option_into_each_fix(self):
        config = {'filter_scheduler': {'enabled_filters': ['ComputeFilter']}}

        def add(name):
            return findings.Edit('filter_scheduler', 'enabled_filters',
                                 lambda current: current + [name])

        settled = findings.settle(
            [finding(findings.WARNING, add('B')), finding(findings.INFO),
             finding(findings.ERROR, add('A'))], config)
        line = ('in nova.conf, [filter_scheduler] enabled_filters = '
                'ComputeFilter,B,A; then restart nova-scheduler')
        self.assertEqual([findings.ERROR, findings.WARNING, findings.INFO],
                         [f.severity for f in settled])
        self.assertEqual([line, line, 'run it'], [f.fix for f in settled])
        # The configuration itself is left alone.
        self.assertEqual(['ComputeFilter'],
                         config['filter_scheduler']['enabled_filters'])
