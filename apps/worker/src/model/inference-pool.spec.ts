import { chooseThread } from './inference-pool';

const thread = (name: string, waiting: number) => ({ name, waiting });

describe('chooseThread', () => {
  it('gives a job that finds every session idle to the lone-job session', () => {
    const lone = thread('lone', 0);
    expect(chooseThread([thread('a', 0), thread('b', 0)], lone)).toBe(lone);
  });

  it('gives the idlest shared session a job that arrives while any session is busy', () => {
    expect(chooseThread([thread('a', 1), thread('b', 0)], thread('lone', 0)).name).toBe('b');
    expect(chooseThread([thread('a', 0), thread('b', 0)], thread('lone', 1)).name).toBe('a');
    expect(chooseThread([thread('a', 2), thread('b', 1)], thread('lone', 1)).name).toBe('b');
  });

  it('without a lone-job session, spreads jobs over the shared sessions', () => {
    expect(chooseThread([thread('a', 0), thread('b', 0)], undefined).name).toBe('a');
    expect(chooseThread([thread('a', 1), thread('b', 0)], undefined).name).toBe('b');
  });
});
