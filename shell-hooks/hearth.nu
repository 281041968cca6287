# hearth's nushell hook (nushell 0.101 or later). Put this line in
# ~/.config/nushell/env.nu, which writes the hook where nushell loads it
# from at every start (its autoload directory, read after config.nu):
#   mkdir ($nu.default-config-dir | path join autoload); hearth hook nu | save -f ($nu.default-config-dir | path join autoload hearth.nu)
#
# Before each prompt (pre_prompt), and when $env.PWD changes (so that
# `cd ws; make` already has the dev shell), it compares $env.PWD and the
# daemon's generation number (read with `open --raw`, a builtin: no
# process) with what it saw last; only when one changed does it run
# `hearth export nu` and apply what that prints. nushell has no eval: the
# client prints data, one JSON array a line, and the hook applies it with
# load-env and hide-env, so no value is ever run as code. PATH, and any
# variable the user keeps as a list, is set as a list.
# $env.LAST_EXIT_CODE is kept for the user's prompt. The hook's own state
# is $env._HEARTH, a record, which nushell does not pass to children.
const _hearth_genfile = @GENFILE@

# Apply `hearth export nu`'s lines. false if it asks to be run again at
# the next prompt (it got no answer from the daemon).
def --env _hearth_apply [code: string] {
    mut set = {}
    mut unset = []
    mut again = false
    for line in ($code | lines) {
        let r = ($line | from json)
        if ($r.0 != "s") { continue }
        let name = $r.1
        if $name == "_hearth_gen" {
            $again = true
        } else if $r.2 == null {
            $unset = ($unset | append $name)
            $set = ($set | reject -o $name)
        } else {
            let now = ($env | get -o $name | describe)
            let value = if $name == "PATH" or ($now | str starts-with "list") {
                $r.2 | split row (char esep)
            } else {
                $r.2
            }
            $set = ($set | upsert $name $value)
            $unset = ($unset | where {|n| $n != $name })
        }
    }
    hide-env -i ...$unset
    load-env $set
    not $again
}

def --env _hearth_hook [] {
    let status = $env.LAST_EXIT_CODE
    let gen = try { open --raw $_hearth_genfile | decode | str trim } catch { "" }
    let last = ($env._HEARTH? | default {})
    if ($last.gen? == $gen) and ($last.pwd? == $env.PWD) {
        return
    }
    $env.LAST_EXIT_CODE = 0
    # collect: try over a bare external stalls on a large output.
    let out = try { run-external @HEARTH@ export nu | collect } catch { null }
    # A client that failed, or got no answer: ask again next prompt.
    if $env.LAST_EXIT_CODE == 0 {
        let ok = _hearth_apply ($out | default "")
        $env._HEARTH = {pwd: $env.PWD, gen: (if $ok { $gen } else { null })}
    }
    $env.LAST_EXIT_CODE = $status
}

$env.config.hooks.pre_prompt = (
    $env.config.hooks.pre_prompt? | default [] | append {|| _hearth_hook })
$env.config.hooks.env_change.PWD = (
    $env.config.hooks.env_change.PWD? | default [] |
    append {|before, after| _hearth_hook })
