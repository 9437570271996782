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

"""What a doctor check returns, and the builders of the fixes it proposes.

Every check of :mod:`aerospike_filters.doctor.checks` returns a list of
:class:`Finding`. A fix is a string that works as printed; a fix that
changes one option of the scheduler's nova.conf is an :class:`Edit` until
:func:`settle` folds every change to that option into one line.
"""

import collections

ERROR = 'error'
WARNING = 'warning'
INFO = 'info'

_SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

Finding = collections.namedtuple('Finding', 'severity subject problem fix')
Finding.__doc__ = """One thing doctor found: how bad, on what, what is
wrong, and the command (or edit) that fixes it."""


class Edit(collections.namedtuple('Edit', 'group option change')):
    """A fix that changes one option: ``change(current) -> new value``.

    Findings carry it until :func:`settle` folds every change to the same
    option into one value, so that each of their fixes sets it whole.
    """


def by_severity(findings):
    """Findings sorted errors first, then warnings, then information."""
    return sorted(findings, key=lambda f: _SEVERITY_ORDER[f.severity])


def needs_attention(findings):
    """Whether any finding is an error or a warning."""
    return any(f.severity != INFO for f in findings)


def set_option(group, option, value):
    """The one fix line that sets a nova.conf option of the scheduler.

    Every fix doctor proposes for an option of the scheduler's nova.conf
    is built here (and only here), after :func:`settle` has merged every
    change to that option into ``value``.
    """
    if isinstance(value, (list, tuple)):
        value = ','.join(value)
    return ('in nova.conf, [%s] %s = %s; then restart nova-scheduler'
            % (group, option, value))


def tool(command, tool_args):
    """An aerospike-filters command line pointed at doctor's cloud and conf.

    ``command`` quotes its own words (``shlex.quote`` on names);
    ``tool_args`` is already quoted (:func:`aerospike_filters.cmd.base.
    tool_args`).
    """
    return ('aerospike-filters %s %s' % (command, tool_args)).strip()


def settle(findings, config):
    """Findings with one fix per option, errors first.

    Several findings may change the same option (one adds the plugin to
    ``enabled_filters``, another PciPassthroughFilter): each fix then
    sets the value that holds every change, so applying the fixes in any
    order leaves the same nova.conf and no finding comes back.
    """
    changes = collections.defaultdict(list)
    for finding in findings:
        if isinstance(finding.fix, Edit):
            changes[finding.fix.group, finding.fix.option].append(
                finding.fix.change)
    values = {}
    for (group, option), funcs in changes.items():
        value = config[group][option]
        value = list(value) if isinstance(value, list) else value
        for change in funcs:
            value = change(value)
        values[group, option] = set_option(group, option, value)
    return by_severity([
        f._replace(fix=values[f.fix.group, f.fix.option])
        if isinstance(f.fix, Edit) else f for f in findings])
