// The landed build beside the working tree's: a commit's files (git archive) in a cache directory,
// sharing this tree's node_modules (the lockfile must be the same), built once with its own
// `npm run build`. bench/burst.ts runs it interleaved with this tree's build, so both meet the
// same load on a shared machine.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LandedBuild {
  commit: string;
  /** Holds dist/cli/main.js and dist/workflow-bundle.js. */
  dir: string;
}

export function landedBuild(root: string, rev: string, log: (line: string) => void): LandedBuild {
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  let commit: string;
  try {
    commit = git('rev-parse', '--verify', `${rev}^{commit}`);
  } catch {
    throw new Error(`--landed ${rev}: not a commit here; name one (git log --oneline)`);
  }
  if (git('diff', commit, '--', 'package-lock.json') !== '') {
    throw new Error(
      `--landed ${rev}: its package-lock.json differs from this tree's, so it cannot share node_modules; compare with a commit whose lockfile is the same`,
    );
  }
  const dir = path.join(os.tmpdir(), 'jit-watcher-landed', commit);
  if (fs.existsSync(path.join(dir, 'dist', 'workflow-bundle.js'))) return { commit, dir };
  log(`building ${commit.slice(0, 7)} in ${dir}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['-C', root, 'archive', '--format=tar', commit], {
    maxBuffer: 1 << 30,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync('npm', ['run', '--silent', 'build'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { commit, dir };
}

/** Takes `--landed REV` or `--landed=REV` out of `argv`; without it, this branch's fork point. */
export function takeLandedFlag(argv: string[]): string {
  const at = argv.findIndex((a) => a === '--landed' || a.startsWith('--landed='));
  if (at < 0) return 'merge-base';
  const [flag] = argv.splice(at, 1);
  const inline = flag?.split('=')[1];
  return inline ?? argv.splice(at, 1)[0] ?? '';
}

/**
 * The builds `--landed` names, each built once: commas name several, `merge-base` is this
 * branch's fork point from main, `none` names none.
 */
export function landedBuilds(
  root: string,
  revs: string,
  log: (line: string) => void,
): Array<{ label: string; dir: string }> {
  if (revs === 'none') return [];
  return revs.split(',').map((named) => {
    const rev =
      named === 'merge-base'
        ? execFileSync('git', ['-C', root, 'merge-base', 'HEAD', 'main'], {
            encoding: 'utf8',
          }).trim()
        : named;
    const landed = landedBuild(root, rev, log);
    return { label: `landed ${landed.commit.slice(0, 7)}`, dir: landed.dir };
  });
}
