// A shipped list of passwords attackers try first (NIST SP 800-63B §5.1.1.2: refuse values known
// to be commonly used or compromised; OWASP ASVS V2.1.7). Only entries of at least the minimum
// length are listed: shorter ones are refused by length already. Compared case-insensitively.
// A short list on purpose: it stops the obvious choices without shipping a breach corpus.

export const commonPasswords: ReadonlySet<string> = new Set([
  '!qaz2wsx', '00000000', '000000000', '11111111', '111111111', '1111111111', '11223344', '12121212', '123123123',
  '12341234', '123456654321', '12345678', '123456789', '1234567890', '1234567890q', '12345678910', '123456789a',
  '12345678a', '1234567a', '123456abc', '123456qwerty', '1234abcd', '1234qwer', '123abc123', '123qweasd',
  '147258369', '147852369', '159357456', '1password', '1q2w3e4r', '1q2w3e4r5t', '1q2w3e4r5t6y', '1qaz2wsx',
  '1qaz2wsx3edc', '1qazxsw2', '22222222', '2wsx3edc', '33333333', '44444444', '55555555', '66666666', '741852963',
  '77777777', '7777777777', '88888888', '963852741', '987654321', '9876543210', '99999999', 'a12345678',
  'a123456789', 'a1b2c3d4', 'aa123456', 'abc12345', 'abc123456', 'abcabcabc', 'abcd1234', 'abcdefg1', 'abcdefgh',
  'access14', 'admin123', 'admin1234', 'adminadmin', 'administrator', 'angel123', 'arsenal1', 'asd123456',
  'asdf1234', 'asdfghjk', 'asdfghjkl', 'autumn2024', 'azerty123', 'azertyuiop', 'baseball', 'baseball1',
  'basketball', 'batman123', 'beautiful', 'blahblah', 'blessed1', 'buster12', 'butterfly', 'changeme', 'changeme1',
  'changeme123', 'charlie1', 'cheese12', 'chelsea1', 'chocolate', 'computer', 'computer1', 'contrasena',
  'contraseña', 'cookie123', 'corvette', 'december1', 'default1', 'diamond1', 'dragon12', 'dragon123', 'elephant',
  'family12', 'ferrari1', 'football', 'football1', 'forever1', 'fortnite', 'freedom1', 'friday13', 'gatehouse',
  'gatehouse1', 'gatehouse123', 'golden12', 'goodbye1', 'goodluck', 'guest123', 'hello123', 'hello1234',
  'helloworld', 'hockey12', 'hunter12', 'hunter2hunter2', 'iloveme1', 'iloveyou', 'iloveyou1', 'iloveyou2',
  'internet', 'january1', 'jennifer', 'jesus123', 'jordan23', 'killer12', 'letmein!', 'letmein1', 'letmein123',
  'letmeinnow', 'liverpool', 'login123', 'lovely12', 'loveme12', 'loveyou1', 'manchester', 'master12', 'master123',
  'matrix12', 'metallica', 'michael1', 'michelle', 'midnight', 'minecraft', 'monday12', 'monkey123', 'motdepasse',
  'mustang1', 'mypassword', 'mypassword1', 'newpassword', 'newpassword1', 'nintendo', 'november1', 'october1',
  'oldpassword', 'opensesame', 'orange12', 'p@ssw0rd', 'p@ssw0rd1', 'p@ssword', 'pa55w0rd', 'pa55word', 'passw0rd',
  'passw0rd1', 'password', 'password!', 'password!1', 'password01', 'password1', 'password12', 'password123',
  'password1234', 'password12345', 'password2', 'password3', 'passwordpassword', 'passwort', 'passwort1', 'pepper12',
  'phoenix1', 'pokemon1', 'princess', 'princess1', 'purple12', 'q1w2e3r4', 'q1w2e3r4t5', 'q1w2e3r4t5y6', 'qazwsxedc',
  'qwe123456', 'qweasd123', 'qweasdzxc', 'qwer1234', 'qwerty!@', 'qwerty12', 'qwerty123', 'qwerty1234',
  'qwerty123456', 'qwertyqwerty', 'qwertyui', 'qwertyuiop', 'qwertyuiop123', 'ranger12', 'root1234', 'rootroot',
  'samsung1', 'secret12', 'secret123', 'september1', 'shadow12', 'silver12', 'slipknot', 'soccer12', 'spring2024',
  'starwars', 'starwars1', 'summer12', 'summer2023', 'summer2024', 'summer2025', 'sunshine', 'sunshine1', 'superman',
  'superman1', 'sweetie1', 'temp1234', 'temppass', 'temppassword', 'test1234', 'testing1', 'testing123', 'testtest',
  'thisismypassword', 'thunder1', 'tigger12', 'trinity1', 'trustno1', 'user1234', 'username', 'welcome1',
  'welcome12', 'welcome123', 'whatever', 'whatever1', 'whatsup1', 'winter12', 'winter2023', 'winter2024', 'yellow12',
  'yourpassword', 'zaq12wsx', 'zaq1zaq1', 'zeppelin', 'zxc123456', 'zxcvbnm1', 'zxcvbnm123',
]);
