/**
 * Name material for synthetic persons: common Swedish names and names common among people
 * who moved to Stockholm from elsewhere. Grouped by origin so a generated person's given
 * and family name usually belong together; the combinations are random and describe nobody.
 */

export type NameOrigin =
  | 'swedish'
  | 'finnish'
  | 'arabic'
  | 'somali'
  | 'persian'
  | 'tigrinya'
  | 'polish'
  | 'ukrainian'
  | 'turkish'
  | 'bosnian';

export interface NameGroup {
  female: readonly string[];
  male: readonly string[];
  /** Family names that do not change with gender (Polish -ski/-ska forms are left out). */
  family: readonly string[];
}

export const NAME_GROUPS: Readonly<Record<NameOrigin, NameGroup>> = {
  swedish: {
    female: [
      'Anna',
      'Maria',
      'Karin',
      'Sara',
      'Emma',
      'Elin',
      'Linnea',
      'Johanna',
      'Sofia',
      'Ida',
      'Ebba',
      'Malin',
    ],
    male: [
      'Erik',
      'Lars',
      'Anders',
      'Johan',
      'Karl',
      'Per',
      'Mikael',
      'Oskar',
      'Emil',
      'Viktor',
      'Jonas',
      'Filip',
    ],
    family: [
      'Andersson',
      'Johansson',
      'Karlsson',
      'Nilsson',
      'Eriksson',
      'Larsson',
      'Olsson',
      'Persson',
      'Svensson',
      'Gustafsson',
      'Lindberg',
      'Lindqvist',
      'Holm',
      'Sandberg',
      'Ek',
      'Bergström',
    ],
  },
  finnish: {
    female: ['Aino', 'Tuula', 'Riitta', 'Sanna'],
    male: ['Juha', 'Matti', 'Jukka', 'Timo'],
    family: ['Virtanen', 'Korhonen', 'Mäkinen', 'Nieminen', 'Heikkinen'],
  },
  arabic: {
    female: [
      'Fatima',
      'Aisha',
      'Layla',
      'Mariam',
      'Noor',
      'Yasmin',
      'Hala',
      'Rania',
      'Zainab',
      'Amira',
    ],
    male: [
      'Mohammed',
      'Ahmad',
      'Omar',
      'Ali',
      'Hassan',
      'Khaled',
      'Yusuf',
      'Ibrahim',
      'Mustafa',
      'Karim',
    ],
    family: [
      'Hassan',
      'Ali',
      'Mohammed',
      'Ahmed',
      'Ibrahim',
      'Abdullah',
      'Khalil',
      'Haddad',
      'Saleh',
      'Mansour',
      'Al-Rashid',
      'Yousef',
    ],
  },
  somali: {
    female: ['Hodan', 'Fadumo', 'Sahra', 'Hibo', 'Ifrah', 'Khadra', 'Nasra', 'Ubah'],
    male: ['Abdirahman', 'Abdullahi', 'Mahad', 'Liban', 'Hamza', 'Mukhtar', 'Abdi', 'Yasin'],
    family: [
      'Abdi',
      'Warsame',
      'Farah',
      'Jama',
      'Osman',
      'Hussein',
      'Nur',
      'Abdirahman',
      'Egal',
      'Samatar',
    ],
  },
  persian: {
    female: ['Shirin', 'Parisa', 'Mahsa', 'Leila', 'Nasrin', 'Roya', 'Zahra', 'Farida'],
    male: ['Reza', 'Dariush', 'Behrouz', 'Kamran', 'Arash', 'Farhad', 'Navid', 'Habib'],
    family: [
      'Hosseini',
      'Rahimi',
      'Karimi',
      'Mohammadi',
      'Ahmadi',
      'Rezaei',
      'Jafari',
      'Moradi',
      'Sadeghi',
      'Azizi',
    ],
  },
  tigrinya: {
    female: ['Selam', 'Senait', 'Mebrat', 'Tsega', 'Yordanos', 'Rahel', 'Saba', 'Helen'],
    male: ['Yonas', 'Dawit', 'Tesfay', 'Mehari', 'Biniam', 'Samuel', 'Filmon', 'Robel'],
    family: [
      'Tesfaye',
      'Gebremedhin',
      'Haile',
      'Tekle',
      'Berhane',
      'Yohannes',
      'Kidane',
      'Ghebre',
      'Asmerom',
    ],
  },
  polish: {
    female: ['Agnieszka', 'Katarzyna', 'Magdalena', 'Joanna', 'Małgorzata'],
    male: ['Piotr', 'Tomasz', 'Krzysztof', 'Paweł', 'Marek'],
    family: [
      'Nowak',
      'Mazur',
      'Kaczmarek',
      'Krawczyk',
      'Wróbel',
      'Zając',
      'Król',
      'Wójcik',
      'Pawlak',
    ],
  },
  ukrainian: {
    female: ['Olena', 'Iryna', 'Oksana', 'Nataliia'],
    male: ['Oleksandr', 'Andriy', 'Dmytro', 'Serhiy'],
    family: ['Shevchenko', 'Bondarenko', 'Kovalenko', 'Tkachenko', 'Melnyk', 'Boyko'],
  },
  turkish: {
    female: ['Elif', 'Zeynep', 'Ayşe', 'Derya'],
    male: ['Mehmet', 'Emre', 'Murat', 'Serkan'],
    family: ['Yılmaz', 'Demir', 'Kaya', 'Çelik', 'Şahin', 'Aydın'],
  },
  bosnian: {
    female: ['Amra', 'Lejla', 'Selma', 'Emina'],
    male: ['Emir', 'Adnan', 'Haris', 'Damir'],
    family: ['Hodžić', 'Begić', 'Hadžić', 'Mehmedović', 'Delić'],
  },
};

export const NAME_ORIGINS = Object.keys(NAME_GROUPS) as NameOrigin[];

/** Flat lists, for tests and for anyone who wants names without origins. */
export const FEMALE_GIVEN_NAMES: readonly string[] = NAME_ORIGINS.flatMap(
  (o) => NAME_GROUPS[o].female,
);
export const MALE_GIVEN_NAMES: readonly string[] = NAME_ORIGINS.flatMap((o) => NAME_GROUPS[o].male);
export const FAMILY_NAMES: readonly string[] = [
  ...new Set(NAME_ORIGINS.flatMap((o) => NAME_GROUPS[o].family)),
];
