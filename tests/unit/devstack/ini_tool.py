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

"""A line-preserving INI editor with devstack's inifile semantics.

The harness of the devstack plugin's test calls it from bash in place of
devstack's ``iniset``, ``iniadd``, ``iniget``, ``iniget_multiline`` and
``inidelete``:

* ``set FILE SECTION OPTION VALUE``: one line ``OPTION = VALUE`` (replaces
  every existing line of the option; creates the section if needed);
* ``add FILE SECTION OPTION VALUE``: one more line for a multi-valued
  option, unless that exact value is there already;
* ``get FILE SECTION OPTION``: the first value (empty if none);
* ``get_multiline FILE SECTION OPTION``: every value, one per line;
* ``delete FILE SECTION OPTION``: removes every line of the option.
"""

import re
import sys

_SECTION = re.compile(r'^\s*\[(?P<name>[^\]]+)\]\s*$')
_OPTION = re.compile(r'^\s*(?P<key>[^=#;\s]+)\s*=\s*(?P<value>.*?)\s*$')


def _read(path):
    try:
        with open(path) as stream:
            return stream.read().splitlines()
    except FileNotFoundError:
        return []


def _write(path, lines):
    with open(path, 'w') as stream:
        stream.write('\n'.join(lines) + '\n')


def _span(lines, section):
    """(start, end) of the section's body, or None."""
    start = None
    for index, line in enumerate(lines):
        match = _SECTION.match(line)
        if match and start is not None:
            return start, index
        if match and match.group('name') == section:
            start = index + 1
    return (start, len(lines)) if start is not None else None


def _values(lines, section, option):
    span = _span(lines, section)
    if span is None:
        return []
    found = []
    for line in lines[span[0]:span[1]]:
        match = _OPTION.match(line)
        if match and match.group('key') == option:
            found.append(match.group('value'))
    return found


def _without(lines, section, option):
    span = _span(lines, section)
    if span is None:
        return lines
    keep = [line for line in lines[span[0]:span[1]]
            if not (_OPTION.match(line) and
                    _OPTION.match(line).group('key') == option)]
    return lines[:span[0]] + keep + lines[span[1]:]


def _append(lines, section, option, value):
    span = _span(lines, section)
    line = '%s = %s' % (option, value)
    if span is None:
        return lines + ['', '[%s]' % section, line]
    end = span[1]
    while end > span[0] and not lines[end - 1].strip():
        end -= 1
    return lines[:end] + [line] + lines[end:]


def main(argv):
    command, path, section, option = argv[:4]
    lines = _read(path)
    if command == 'set':
        _write(path, _append(_without(lines, section, option), section,
                             option, argv[4]))
    elif command == 'add':
        if argv[4] not in _values(lines, section, option):
            _write(path, _append(lines, section, option, argv[4]))
    elif command == 'get':
        values = _values(lines, section, option)
        print(values[0] if values else '')
    elif command == 'get_multiline':
        print('\n'.join(_values(lines, section, option)))
    elif command == 'delete':
        _write(path, _without(lines, section, option))
    else:
        raise SystemExit('unknown command %s' % command)


if __name__ == '__main__':
    main(sys.argv[1:])
